// The instructor's page: the live gradebook (the report's table and charts), the activity
// of the class as it happens, a student's history, flagged submissions with their lines,
// regrading, exports, the roster with its sign-up links, and the audit log.
//
// Every change the class makes arrives on /api/class/events: the activity table takes it
// at once, and the gradebook, the flags and an open history are read again (debounced).
"use strict";

(() => {
  const {el, fill, json, post, download, say, live, debounce, when, points, stream} = Workbook;
  const activity = new Map();  // submission id -> its latest event
  let historyOf = null;  // the student whose history is shown

  function level(score, max) {
    return score >= max ? "full" : score > 0 ? "part" : "zero";
  }

  function chart(id, svg, alt) {
    // As an image: the SVG is drawn, and nothing in it could ever run.
    fill(document.getElementById(id),
      el("img", {src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt}));
  }

  function cell(result) {
    if (!result) return el("td");
    const flagged = result.flags && result.flags.length;
    const title = [...(result.flags || []), result.message].filter(Boolean).join(" · ");
    return el("td", {class: `num ${level(result.score, result.max_score)}`, title: title || null},
      points(result.score), flagged ? el("span", {class: "flag"}, " ⚑") : null,
      result.status !== "graded" ? el("span", {class: "meta"}, ` ${result.status.replace("_", " ")}`) : null);
  }

  function gradebook(data) {
    const sections = [];
    for (const item of data.items) {
      const last = sections[sections.length - 1];
      if (last && last.id === item.section) last.items.push(item);
      else sections.push({id: item.section, items: [item]});
    }
    const table = document.getElementById("score-table");
    fill(table.tHead,
      el("tr", {}, el("th", {rowspan: 2, class: "name"}, "student"),
        sections.map((s) => el("th", {colspan: s.items.length}, s.id)),
        el("th", {rowspan: 2, class: "num"}, "total"), el("th", {rowspan: 2, class: "num"}, "%")),
      el("tr", {}, data.items.map((i) => el("th", {class: "num", title: i.id}, i.id.split("_")[0]))));
    let sum = 0;
    const rows = data.submissions.map((s) => {
      const byItem = new Map(s.items.map((r) => [r.id, r]));
      const pct = s.max_score ? (100 * s.score) / s.max_score : 0;
      sum += pct;
      return el("tr", {"data-student": s.submission},
        el("th", {class: "name", scope: "row"},
          el("button", {type: "button", class: "link", onclick: () => showHistory(s.submission)}, s.submission)),
        data.items.map((i) => cell(byItem.get(i.id))),
        el("td", {class: "num total"}, `${points(s.score)}/${points(s.max_score)}`),
        el("td", {class: "num"}, `${pct.toFixed(0)}%`));
    });
    fill(table.tBodies[0], rows);
    const mean = rows.length ? sum / rows.length : 0;
    fill(document.getElementById("gradebook-meta"),
      `${rows.length} student${rows.length === 1 ? "" : "s"} · ${data.items.length} items · ` +
      `mean of the graded totals ${mean.toFixed(0)}% · updated ${new Date().toLocaleTimeString()}`);
    const choice = document.getElementById("regrade-item-id");
    if (!choice.options.length) fill(choice, data.items.map((i) => el("option", {value: i.id}, i.id)));
    chart("pass-rate-chart", data.charts.pass_rate, "Per item: full marks and mean score");
    chart("distribution-chart", data.charts.distribution, "Total scores: submissions per band");
  }

  function activityRow(e) {
    const result = e.result;
    const score = e.status === "graded" && e.score !== null && e.score !== undefined
      ? `${points(e.score)}/${points(result ? result.max_score : null)}` : "–";
    return el("tr", {"data-submission": e.id, class: e.status === "graded" && result ? level(e.score, result.max_score) : ""},
      el("td", {class: "num"}, e.id), el("td", {}, e.username), el("td", {}, e.item),
      el("td", {class: "num"}, e.attempt), el("td", {class: "state"}, e.status), el("td", {class: "num score"}, score),
      el("td", {}, when(e.submitted_at)));
  }

  function showActivity() {
    const rows = [...activity.values()].sort((a, b) => b.id - a.id).slice(0, 200).map(activityRow);
    fill(document.querySelector("#activity-table tbody"), rows);
  }

  function testList(result) {
    return el("ul", {class: "tests"}, (result.tests || []).map((t) => el("li", {class: `test ${t.status}`},
      `${t.status === "passed" ? "✓" : "✗"} ${t.name} (${points(t.score)}/${points(t.max_score)})`,
      t.message ? el("span", {class: "message"}, t.message) : null)));
  }

  function regradeButton(id) {
    return el("button", {type: "button", onclick: () => regrade({submission: id})}, "Regrade");
  }

  async function showHistory(username) {
    historyOf = username;
    document.getElementById("history-student").value = username;
    const list = document.getElementById("history-list");
    try {
      const attempts = await json(`/api/students/${encodeURIComponent(username)}/history`);
      fill(list, el("h3", {}, `${username}: ${attempts.length} attempt${attempts.length === 1 ? "" : "s"}`),
        el("table", {id: "history-table"},
          el("thead", {}, el("tr", {}, ["#", "item", "attempt", "submitted", "status", "score", "graded ×", "tests", ""]
            .map((h) => el("th", {}, h)))),
          el("tbody", {}, attempts.map((a) => el("tr", {"data-submission": a.id},
            el("td", {class: "num"}, a.id), el("td", {}, a.item), el("td", {class: "num"}, a.attempt),
            el("td", {}, when(a.submitted_at)), el("td", {}, a.status),
            el("td", {class: `num ${a.score === null ? "" : level(a.score, a.max_score)}`},
              `${points(a.score)}/${points(a.max_score)}`),
            el("td", {class: "num writes", title: "how many times a result was written"}, a.writes),
            el("td", {}, a.result ? el("details", {}, el("summary", {}, `${a.result.tests.length} tests`),
              a.result.message ? el("span", {class: "message"}, a.result.message) : null, testList(a.result)) : ""),
            el("td", {}, a.status === "graded" ? regradeButton(a.id) : ""))))));
      document.getElementById("history").scrollIntoView({block: "start"});
    } catch (error) {
      fill(list, el("p", {class: "status error"}, error.message));
    }
  }

  function flags(entries) {
    const holder = document.getElementById("flag-list");
    if (!entries.length) {
      fill(holder, el("p", {}, "None."));
      return;
    }
    fill(holder, entries.map((f) => el("div", {class: "card flagged", "data-submission": f.id},
      el("p", {}, el("span", {class: "flag"}, "⚑ "), el("b", {}, f.username), ` · ${f.item} · attempt ${f.attempt} · #${f.id} · `,
        `${points(f.score)}/${points(f.max_score)} · `, when(f.submitted_at), " ", regradeButton(f.id)),
      el("ul", {}, (f.result ? f.result.flags : []).map((text) => el("li", {}, text))),
      f.lines.length ? el("pre", {}, f.lines.map((l) => el("code", {class: "line"}, `${l.line}: ${l.text}\n`))) : null)));
  }

  function students(accounts) {
    const names = accounts.filter((a) => a.role === "student").map((a) => a.username);
    for (const id of ["history-student", "regrade-username", "export-student"]) {
      const select = document.getElementById(id);
      const chosen = select.value;
      fill(select, names.map((n) => el("option", {value: n}, n)));
      if (names.includes(chosen)) select.value = chosen;
    }
  }

  function roster(accounts) {
    fill(document.querySelector("#account-table tbody"), accounts.map((a) => el("tr", {"data-username": a.username},
      el("td", {}, a.username), el("td", {class: "person"}, a.name), el("td", {}, a.role),
      el("td", {}, a.signed_up ? "yes" : "not yet"),
      el("td", {}, el("button", {type: "button", onclick: () => relink(a.username)}, "New sign-up link")))));
    students(accounts);
  }

  function links(invites) {
    document.getElementById("links").hidden = false;
    fill(document.querySelector("#link-table tbody"), invites.map((i) => el("tr", {"data-username": i.username},
      el("td", {class: "person"}, i.name), el("td", {}, i.username), el("td", {}, el("code", {class: "link"}, i.link)))));
  }

  function auditLog(entries) {
    fill(document.querySelector("#audit-table tbody"), entries.map((e) => el("tr", {},
      el("td", {}, when(e.at)), el("td", {}, e.actor), el("td", {}, e.action), el("td", {}, e.detail))));
  }

  const loaders = {
    gradebook: async () => gradebook(await json("/api/gradebook")),
    flags: async () => flags(await json("/api/flags")),
    roster: async () => roster(await json("/api/roster")),
    audit: async () => auditLog(await json("/api/audit")),
    history: async () => { if (historyOf) await showHistory(historyOf); },
  };

  async function reload(...which) {
    const results = await Promise.allSettled(which.map((name) => loaders[name]()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) say(failed.reason.message, true);
  }

  // What a change of a submission alters: the gradebook, the flags, the history shown.
  const changed = debounce(() => {
    const open = historyOf;
    const which = ["gradebook", "flags"];
    if (open) which.push("history");
    reload(...which);
  }, 200);

  async function regrade(body) {
    try {
      const done = await post("/api/regrade", body);
      const n = done.queued.length;
      fill(document.getElementById("regrade-result"),
        `Queued ${n} submission${n === 1 ? "" : "s"}${n ? `: #${done.queued.join(", #")}` : ""}.`);
      say("");
      reload("audit");
    } catch (error) {
      say(error.message, true);
    }
  }

  async function relink(username) {
    try {
      links([await post(`/api/roster/${encodeURIComponent(username)}/link`)]);
      reload("audit");
    } catch (error) {
      say(error.message, true);
    }
  }

  function on(id, event, handler) {
    document.getElementById(id).addEventListener(event, (e) => {
      e.preventDefault();
      handler(e);
    });
  }

  function wire() {
    on("regrade-submission", "submit", () => regrade({submission: Number(document.getElementById("regrade-id").value)}));
    on("regrade-student", "submit", () => regrade({username: document.getElementById("regrade-username").value}));
    on("regrade-item", "submit", () => regrade({item: document.getElementById("regrade-item-id").value}));
    on("regrade-changed", "submit", () => regrade({changed_suites: true}));
    on("history-form", "submit", () => showHistory(document.getElementById("history-student").value));
    const saving = (path) => async () => {
      try {
        await download(path);
        reload("audit");
      } catch (error) {
        say(error.message, true);
      }
    };
    on("export-csv", "click", saving("/api/exports/csv"));
    on("export-json", "click", saving("/api/exports/json"));
    on("export-gradescope", "click", () => saving(
      `/api/exports/gradescope?username=${encodeURIComponent(document.getElementById("export-student").value)}`)());
    on("roster-form", "submit", async (event) => {
      const input = document.getElementById("roster-file");
      if (!input.files.length) return;
      const body = new FormData();
      body.append("file", input.files[0]);
      try {
        const invites = await json("/api/roster", {method: "POST", body});
        links(invites);
        say(`${invites.length} new account${invites.length === 1 ? "" : "s"}.`);
        event.target.reset();
        reload("roster", "audit", "gradebook");
      } catch (error) {
        say(error.message, true);
      }
    });
  }

  function onEvent(event, data) {
    if (event !== "submission") return;
    const change = JSON.parse(data);
    activity.set(change.id, change);
    showActivity();
    changed();
  }

  (async () => {
    try {
      if (!await Workbook.guard("instructor")) return;
    } catch (error) {
      say(error.message, true);
      return;
    }
    wire();
    await reload("gradebook", "roster", "flags", "audit");
    stream("/api/class/events", onEvent, live);
  })();
})();
