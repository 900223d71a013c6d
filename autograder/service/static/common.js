// What every page of the service shares: the tokens, API calls, live events, downloads,
// and building elements without ever parsing data as HTML.
//
// Tokens live in sessionStorage (this tab only, gone when it closes); every call sends the
// access token as a bearer token. A 401 spends the refresh token once for a new pair and
// tries again; only one refresh runs at a time, since the same refresh token presented
// twice looks like a stolen copy and signs out every session it started.
"use strict";

const Workbook = (() => {
  const KEYS = {access: "workbook.access", refresh: "workbook.refresh", role: "workbook.role", user: "workbook.user"};
  const store = window.sessionStorage;

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  function keep(tokens) {
    store.setItem(KEYS.access, tokens.access_token);
    store.setItem(KEYS.refresh, tokens.refresh_token);
    store.setItem(KEYS.role, tokens.role);
    store.setItem(KEYS.user, tokens.username);
  }

  function forget() {
    Object.values(KEYS).forEach((key) => store.removeItem(key));
  }

  function role() {
    return store.getItem(KEYS.access) ? store.getItem(KEYS.role) : null;
  }

  // The one-line reason the API gave ({"detail": "..."}), or the HTTP status.
  async function detail(response) {
    try {
      const body = await response.json();
      if (typeof body.detail === "string") return body.detail;
    } catch (error) {
      // not JSON: say the status
    }
    return `${response.status} ${response.statusText}`.trim();
  }

  let refreshing = null;
  function refresh() {
    if (!refreshing) {
      const token = store.getItem(KEYS.refresh);
      refreshing = (async () => {
        if (!token) return false;
        const response = await fetch("/api/refresh", {
          method: "POST", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({refresh_token: token}),
        });
        if (!response.ok) return false;
        keep(await response.json());
        return true;
      })().finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  function signedOut() {
    forget();
    if (window.location.pathname !== "/") window.location.assign("/");
  }

  // fetch() with the bearer token; on 401, one refresh and one more try.
  async function request(path, options = {}, retried = false) {
    const headers = new Headers(options.headers || {});
    const access = store.getItem(KEYS.access);
    if (access) headers.set("Authorization", `Bearer ${access}`);
    const response = await fetch(path, {...options, headers});
    if (response.status === 401 && !retried && await refresh()) return request(path, options, true);
    if (response.status === 401) signedOut();
    return response;
  }

  async function call(path, options) {
    const response = await request(path, options);
    if (!response.ok) throw new ApiError(response.status, await detail(response));
    return response;
  }

  async function json(path, options) {
    return (await call(path, options)).json();
  }

  function post(path, body) {
    return json(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {})});
  }

  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  // Server-sent events through fetch() (EventSource cannot send an Authorization header):
  // reads the `id:`, `event:`, `data:` and `retry:` fields of each block, calls
  // onEvent(event, data, id) and reconnects after a drop with Last-Event-ID, so nothing
  // is missed and nothing repeated. onState(true|false) tells whether it is connected.
  function stream(path, onEvent, onState = () => {}) {
    let last = null;
    let retry = 1000;

    function dispatch(block) {
      let event = "message";
      let id = null;
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
        else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
      }
      if (id !== null) last = id;
      if (data.length) onEvent(event, data.join("\n"), id);
    }

    async function read(body) {
      const reader = body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const {value, done} = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, {stream: true}).replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    }

    (async () => {
      for (;;) {
        try {
          const headers = {Accept: "text/event-stream"};
          if (last !== null) headers["Last-Event-ID"] = last;
          const response = await request(path, {headers, cache: "no-store"});
          if (!response.ok) throw new ApiError(response.status, await detail(response));
          onState(true);
          await read(response.body);
        } catch (error) {
          // A refusal other than "too many" will not change by trying again: stop and say so.
          if (error.status && error.status >= 400 && error.status < 500 && error.status !== 429) {
            onState(false, error.message);
            return;
          }
        }
        onState(false);
        await sleep(retry);
      }
    })();
  }

  function filename(disposition) {
    const match = /filename="?([^";]+)"?/.exec(disposition || "");
    return match ? match[1] : "download";
  }

  // A download behind the bearer token: fetched, then saved from a Blob through <a download>.
  async function download(path) {
    const response = await call(path);
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = el("a", {href: url, download: filename(response.headers.get("Content-Disposition"))});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // An element whose text children become text nodes: data is never parsed as HTML.
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function fill(node, ...children) {
    node.replaceChildren();
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function say(text, error = false) {
    const line = document.getElementById("status");
    if (!line) return;
    line.textContent = text || "";
    line.classList.toggle("error", Boolean(error));
  }

  function live(on, reason) {
    const badge = document.getElementById("live");
    if (!badge) return;
    badge.textContent = on ? "live" : (reason ? `not live: ${reason}` : "reconnecting…");
    badge.classList.toggle("on", on);
  }

  // A function that runs fn once, shortly after the last of a burst of calls.
  function debounce(fn, ms = 150) {
    let timer = null;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function when(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
  }

  function points(value) {
    return value === null || value === undefined ? "–" : String(Math.round(value * 100) / 100);
  }

  // The page for a role; a page for another role (or none) sends the browser where it belongs.
  function home(which) {
    return which === "instructor" ? "/instructor" : which === "student" ? "/student" : "/";
  }

  async function guard(wanted) {
    const current = role();
    if (current !== wanted) {
      window.location.replace(home(current));
      return null;
    }
    const me = await json("/api/me");
    fill(document.getElementById("who"), `${me.name} (${me.username})`);
    const out = document.getElementById("sign-out");
    out.hidden = false;
    out.addEventListener("click", async () => {
      const token = store.getItem(KEYS.refresh);
      forget();
      if (token) {
        await fetch("/api/logout", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify({refresh_token: token})}).catch(() => null);
      }
      window.location.assign("/");
    });
    return me;
  }

  // Signs in (a password, or a sign-up token), keeps the tokens and opens the account's page;
  // a refusal, or a service that does not answer, is one line on the page.
  async function enter(path, init) {
    try {
      const response = await fetch(path, {method: "POST", ...init});
      if (!response.ok) {
        say(await detail(response), true);
        return;
      }
      const tokens = await response.json();
      keep(tokens);
      window.location.assign(home(tokens.role));
    } catch (error) {
      say(`The service did not answer: ${error.message}`, true);
    }
  }

  return {ApiError, keep, forget, role, detail, call, json, post, stream, download, el, fill, say, live, debounce,
          when, points, home, guard, enter};
})();
