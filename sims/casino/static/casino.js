// The casino page: ask our own server for the player's sportsbook session and balance.
"use strict";

async function get(method, path) {
  const response = await fetch(path, { method });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.error}: ${body.message || "no detail"}`);
  return body;
}

function problem(text) {
  const node = document.getElementById("problem");
  node.textContent = text || "";
  node.hidden = !text;
}

async function showBalance(currency) {
  try {
    const wallet = await get("GET", "/me/wallet");
    const balance = document.getElementById("balance");
    balance.textContent = wallet.balances[currency] || "0.00";
    balance.dataset.state = "loaded";
  } catch (error) {
    problem(`Balance unavailable (${error.message})`);
  }
}

async function start() {
  const me = await get("GET", "/me");
  document.getElementById("who").textContent = me.user_id;
  document.getElementById("currency").textContent = me.currency;
  showBalance(me.currency);
  setInterval(() => showBalance(me.currency), 1000);
  try {
    const session = await get("POST", "/me/sportsbook");
    document.getElementById("sportsbook").src = session.url;
  } catch (error) {
    problem(`The sportsbook is unavailable (${error.message})`);
  }
}

start();
