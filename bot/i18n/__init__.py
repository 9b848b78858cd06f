"""Translations and locale formatting: responses are written in English and rendered in lo / th / en."""
