// The demo chat: talks to the gateway's /api/message, which passes messages to Rasa marked as demo.
// Everything it needs is in the page; nothing is fetched from outside the local network.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var lang = data.language;
  var log = document.getElementById("log");
  var input = document.getElementById("text");
  var offline = document.getElementById("offline");
  var panel = document.getElementById("scenario");
  var story = null; // {scenario, step}

  function newSession() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var session = sessionStorage.getItem("helpline-session") || newSession();
  sessionStorage.setItem("helpline-session", session);

  function t(key) { return data.texts[lang][key]; }

  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = t("title");
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      el.textContent = t(el.getAttribute("data-t"));
    });
    input.placeholder = t("placeholder");
    Array.prototype.forEach.call(document.querySelectorAll("nav button"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    document.getElementById("poster-link").href = "/poster?lang=" + lang;
    if (story) showStep();
  }

  var numbers = data.numbers.slice().sort(function (a, b) { return b.number.length - a.number.length; });
  var pattern = new RegExp("(^|[^0-9])(" + numbers.map(function (n) {
    return n.number.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }).join("|") + ")(?![0-9])", "g");
  function dialOf(number) {
    for (var i = 0; i < numbers.length; i++) if (numbers[i].number === number) return numbers[i].dial;
    return number;
  }

  // Text goes in as text nodes, never as HTML; known help numbers become tap-to-call links.
  function addText(parent, text) {
    var last = 0, match;
    pattern.lastIndex = 0;
    while ((match = pattern.exec(text)) !== null) {
      var start = match.index + match[1].length;
      parent.appendChild(document.createTextNode(text.slice(last, start)));
      var link = document.createElement("a");
      link.href = "tel:" + dialOf(match[2]);
      link.textContent = match[2];
      parent.appendChild(link);
      last = start + match[2].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function add(node) { log.appendChild(node); log.scrollTop = log.scrollHeight; return node; }

  function bubble(who, text) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    addText(div, text);
    return add(div);
  }

  function card(contact) {
    var div = document.createElement("div");
    div.className = "card";
    var name = document.createElement("span");
    name.textContent = contact.first_name;
    var call = document.createElement("a");
    call.href = "tel:" + contact.phone_number;
    call.textContent = t("call") + " " + contact.phone_number;
    div.appendChild(name);
    div.appendChild(call);
    add(div);
  }

  function buttons(list) {
    var div = document.createElement("div");
    div.className = "buttons";
    list.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(div.querySelectorAll("button"), function (x) { x.disabled = true; });
        send(b.payload, b.title);
      });
      div.appendChild(button);
    });
    add(div);
  }

  function showOffline() {
    offline.textContent = "";
    addText(offline, t("offline") + "\n" + data.help[lang]);
    offline.hidden = false;
  }

  // A simulated counsellor's line (the demo of a hand-off to a person) is marked as such, always.
  function counsellorBubble(label, text) {
    var div = bubble("bot counsellor", text);
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label;
    div.insertBefore(who, div.firstChild);
  }

  function render(replies) {
    replies.forEach(function (r) {
      if (r.text && r.counsellor) counsellorBubble(r.counsellor, r.text);
      else if (r.text) bubble("bot", r.text);
      if (r.buttons && r.buttons.length) buttons(r.buttons);
      if (r.contact) card(r.contact);
    });
  }

  function send(message, shown) {
    if (!message || !message.trim()) return;
    if (shown !== null) bubble("me", shown || message);
    var typing = bubble("bot typing", t("typing"));
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 15000);
    fetch("/api/message", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: session, text: message, language: lang }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) { return response.json(); })
      .then(function (answer) {
        typing.remove();
        render(answer.replies || []);
        if (answer.offline) showOffline(); else offline.hidden = true;
        if (story) { story.step += 1; showStep(); }
      })
      .catch(function () { typing.remove(); showOffline(); })
      .then(function () { clearTimeout(timer); });
  }

  // Guided stories: the page suggests what the character would type next.
  function showScenarios() {
    story = null;
    panel.textContent = "";
    var title = document.createElement("h2");
    title.textContent = t("scenarios");
    panel.appendChild(title);
    var list = document.createElement("div");
    list.className = "list";
    data.scenarios.forEach(function (s) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.setAttribute("data-scenario", s.id);
      b.textContent = s.title[lang];
      b.addEventListener("click", function () { story = { scenario: s, step: 0 }; showStep(); });
      list.appendChild(b);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }

  function showStep() {
    var s = story.scenario;
    panel.textContent = "";
    var title = document.createElement("h2");
    title.textContent = s.title[lang];
    var text = document.createElement("p");
    text.textContent = s.story[lang];
    panel.appendChild(title);
    panel.appendChild(text);
    if (story.step < s.steps.length) {
      var label = document.createElement("p");
      label.textContent = t("next_step");
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip next-step";
      chip.textContent = s.steps[story.step][lang];
      chip.addEventListener("click", function () { chip.disabled = true; send(s.steps[story.step][lang]); });
      panel.appendChild(label);
      panel.appendChild(chip);
    } else {
      var done = document.createElement("p");
      done.className = "done";
      done.textContent = t("scenario_done");
      panel.appendChild(done);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = t("close");
    close.addEventListener("click", function () { story = null; panel.hidden = true; });
    panel.appendChild(close);
    panel.hidden = false;
  }

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  document.getElementById("open-scenarios").addEventListener("click", showScenarios);
  // "Clear": the assistant forgets this conversation, the screen empties, and a new one starts.
  document.getElementById("clear").addEventListener("click", function () {
    var old = session;
    fetch("/api/clear", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: old })
    }).catch(function () {});
    log.textContent = "";
    story = null;
    panel.hidden = true;
    session = newSession();
    sessionStorage.setItem("helpline-session", session);
    send("/greet", null);
  });
  Array.prototype.forEach.call(document.querySelectorAll("nav button"), function (b) {
    b.addEventListener("click", function () {
      var chosen = b.getAttribute("data-lang");
      if (chosen === lang) return;
      lang = chosen;
      applyTexts();
      send('/set_language{"language": "' + chosen + '"}', b.textContent);
    });
  });
  applyTexts();
  send("/greet", null);
})();
