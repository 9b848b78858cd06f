from bot.terminal_chat import chat, render


def test_buttons_are_numbered_and_a_number_sends_the_payload(monkeypatch) -> None:
    sent = []

    def fake_send(url, sender, text):
        sent.append(text)
        return [{"text": "Hello", "buttons": [{"title": "Warning signs", "payload": "/ask_warning_signs"}]}]

    monkeypatch.setattr("bot.terminal_chat.send_message", fake_send)
    typed = iter(["hi", "1"])
    shown = []

    def read(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    chat("http://unused", read=read, write=shown.append)
    assert sent == ["hi", "/ask_warning_signs"]
    assert "  [1] Warning signs" in shown[1]


def test_render_without_replies() -> None:
    assert render([]) == ("", [])
