// The simulator's sportsbook page: pick, stake, bet; settle or roll back; show every callback.
"use strict";

const base = location.pathname.replace(/\/$/, "");
let choice = null;
const shown = {};

// Redraw a part only when its data changed, so a button under the pointer stays the same node.
function changed(part, data) {
  const text = JSON.stringify(data);
  if (shown[part] === text) return false;
  shown[part] = text;
  return true;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

async function call(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text || response.statusText;
    try { message = JSON.parse(text).error || message; } catch (_) { /* plain text */ }
    throw new Error(message);
  }
  return JSON.parse(text);
}

function say(text, bad) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.className = bad ? "bad" : "";
}

function renderMatches(matches) {
  const rows = matches.map((m) => el("tr", {}, el("td", {}, `${m.home} v ${m.away}`),
    ...Object.entries(m.odds).map(([pick, odds]) => el("td", {}, el("button", {
      class: "pick" + (choice && choice.match_id === m.id && choice.pick === pick ? " chosen" : ""),
      "data-match": m.id, "data-pick": pick,
      onclick: () => { choice = { match_id: m.id, pick, label: `${m.home} v ${m.away}: ${pick} @ ${odds}` }; render(window.lastState); },
    }, `${pick} ${odds}`)))));
  document.getElementById("matches").replaceChildren(...rows);
  document.getElementById("selection").textContent = choice ? choice.label : "Pick an outcome above.";
  document.getElementById("place").disabled = !choice;
}

function betActions(bet) {
  if (bet.status !== "open") return [];
  const act = (label, path, body) => el("button", {
    "data-bet": bet.id, "data-action": label.split(" ")[0].toLowerCase(),
    onclick: () => call("POST", `/bets/${bet.id}/${path}`, body).then(render, (e) => say(e.message, true)),
  }, label);
  return [act("Win", "settle", { outcome: "win" }), act("Loss", "settle", { outcome: "loss" }),
    act("Rollback", "rollback", undefined)];
}

function renderBets(bets, currency) {
  if (!bets.length) return;
  const head = el("tr", {}, ...["Match", "Pick", "Odds", "Stake", "Pays", "Status", ""].map((h) => el("th", {}, h)));
  const rows = bets.map((b) => el("tr", { "data-bet": b.id }, el("td", {}, b.match), el("td", {}, b.pick),
    el("td", {}, b.odds), el("td", {}, `${b.stake} ${currency}`), el("td", {}, b.payout),
    el("td", { class: "status" }, b.status), el("td", {}, ...betActions(b))));
  document.getElementById("bets").replaceChildren(head, ...rows);
}

function renderCallbacks(callbacks) {
  const items = callbacks.map((c) => {
    const answer = c.answer ? JSON.stringify(c.answer) : (c.problem || "waiting");
    const tone = c.state === "answered" ? (c.answer && c.answer.error === null ? "ok" : "bad") : "wait";
    return el("li", { "data-action": c.action, "data-state": c.state },
      el("strong", {}, `${c.action} → /${c.route}`), ` (attempts: ${c.attempts}, ${c.state})`,
      el("div", {}, "sent ", el("code", {}, c.body)),
      el("div", { class: tone }, "answer ", el("code", { class: "answer" }, answer)));
  });
  document.getElementById("callbacks").replaceChildren(...items);
}

function render(state) {
  const p = state.player;
  document.getElementById("player").textContent = `player ${p.user_id} · ${p.currency} · ${p.lang}`;
  if (changed("matches", [state.matches, choice])) renderMatches(state.matches);
  if (changed("bets", state.bets)) renderBets(state.bets, p.currency);
  if (changed("callbacks", state.callbacks)) renderCallbacks(state.callbacks);
  window.lastState = state;
}

function refresh() {
  return call("GET", "/state").then(render, (e) => say(e.message, true));
}

document.getElementById("place").addEventListener("click", async () => {
  if (!choice) return;
  const stake = document.getElementById("stake").value.trim();
  try {
    render(await call("POST", "/bets", { match_id: choice.match_id, pick: choice.pick, stake }));
    say(`Bet of ${stake} sent.`, false);
  } catch (e) {
    say(e.message, true);
  }
});

refresh();
setInterval(refresh, 1000);
