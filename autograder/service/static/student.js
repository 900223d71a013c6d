// The student's page: their items by section, each with its rules, attempts, latest
// feedback (as much as the item's rule shows now) and a file upload; their progress; live
// updates from /api/events; a token to sign the terminal or a notebook in.
//
// Each item's card is built once and only its changing parts are redrawn, so a file chosen
// in one card stays chosen while another card's grade arrives.
"use strict";

(() => {
  const {el, fill, json, post, say, live, debounce, when, points, stream} = Workbook;
  const cards = new Map();  // item id -> {root, state, feedback, error, points}
  const shown = new Set();  // the sections drawn
  const LEVEL_NOTE = {
    tests: "Before the deadline this item shows each test's outcome, not its message (feedback: tests).",
    score: "Before the deadline this item shows its score only (feedback: score).",
  };

  function rulesLine(rules) {
    const parts = [`feedback: ${rules.feedback}`];
    parts.push(rules.deadline ? `deadline: ${when(rules.deadline)}` : "no deadline");
    if (rules.deadline) {
      parts.push(rules.late === "refuse" ? "late work refused"
        : `late: −${Math.round(rules.penalty_per_day * 100)}% a started day`);
    }
    parts.push(`${rules.attempts_per_hour} attempts an hour`);
    return parts.join(" · ");
  }

  function card(item) {
    const input = el("input", {type: "file", name: "file", accept: ".py,text/x-python", required: true,
                               "aria-label": `file for ${item.id}`});
    const form = el("form", {class: "upload inline"}, input, " ", el("button", {type: "submit"}, "Submit"));
    const parts = {
      state: el("p", {class: "state"}), feedback: el("div", {class: "feedback"}),
      error: el("p", {class: "status error"}), points: item.points,
    };
    parts.root = el("article", {class: "item", id: `item-${item.id}`, "data-item": item.id},
      el("h3", {}, item.title, " ", el("span", {class: "meta"}, `${item.id} · ${item.points} points`)),
      el("p", {class: "rules"}, rulesLine(item.rules)), parts.state, parts.feedback, form, parts.error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      upload(item.id, form, input, parts);
    });
    return parts;
  }

  async function upload(id, form, input, parts) {
    if (!input.files.length) return;
    const body = new FormData();
    body.append("file", input.files[0]);
    fill(parts.error);
    try {
      const sent = await json(`/api/submissions/${encodeURIComponent(id)}`, {method: "POST", body});
      say(`${id}: attempt ${sent.attempt} received; grading…`);
      form.reset();
      refresh();
    } catch (error) {
      fill(parts.error, error.message);
    }
  }

  function testLine(test, level) {
    const mark = test.status === "passed" ? "✓" : "✗";
    return el("li", {class: `test ${test.status}`},
      el("span", {class: "outcome"}, `${mark} ${test.name}`),
      ` (${test.status}, ${points(test.score)}/${points(test.max_score)})`,
      level === "full" && test.message ? el("span", {class: "message"}, test.message) : null);
  }

  function feedback(result) {
    const out = [];
    if (result.message) out.push(el("span", {class: "message"}, result.message));
    if (LEVEL_NOTE[result.feedback]) out.push(el("p", {class: "legend level"}, LEVEL_NOTE[result.feedback]));
    if (result.tests.length) out.push(el("ul", {class: "tests"}, result.tests.map((t) => testLine(t, result.feedback))));
    return out;
  }

  function update(item) {
    const parts = cards.get(item.id);
    const latest = item.latest;
    const result = latest && latest.result;
    parts.root.classList.remove("full", "part", "zero");
    if (!latest) {
      fill(parts.state, "Not submitted yet.");
      fill(parts.feedback);
      return;
    }
    const attempts = `${item.attempts} attempt${item.attempts === 1 ? "" : "s"}`;
    if (latest.status !== "graded" || !result) {
      fill(parts.state, `Attempt ${latest.attempt}: grading… · ${attempts}`);
      return;
    }
    parts.root.classList.add(result.score >= result.max_score ? "full" : result.score > 0 ? "part" : "zero");
    const late = latest.days_late ? ` · ${latest.days_late} day(s) late (raw ${points(result.raw_score)})` : "";
    fill(parts.state, el("span", {class: "score"}, `${points(result.score)}/${points(result.max_score)}`),
      ` · attempt ${latest.attempt}, ${when(latest.submitted_at)} · ${attempts}${late}`,
      result.status !== "graded" ? ` · ${result.status.replace("_", " ")}` : "");
    fill(parts.feedback, feedback(result));
  }

  function progress(sections) {
    let got = 0;
    let total = 0;
    for (const section of sections) {
      for (const item of section.items) {
        total += item.points;
        const result = item.latest && item.latest.result;
        if (result) got += result.score;
      }
    }
    const pct = total ? (100 * got) / total : 0;
    fill(document.getElementById("progress"), `${points(got)} / ${points(total)} points (${pct.toFixed(0)}%)`);
    document.getElementById("progress-fill").style.width = `${Math.min(100, pct)}%`;
  }

  function render(sections) {
    const holder = document.getElementById("sections");
    for (const section of sections) {
      if (!shown.has(section.id)) {
        shown.add(section.id);
        holder.append(el("section", {id: `section-${section.id}`}, el("h2", {}, section.title),
          section.items.map((item) => { const parts = card(item); cards.set(item.id, parts); return parts.root; })));
      }
      section.items.forEach(update);
    }
    progress(sections);
  }

  async function load() {
    try {
      const sections = await json("/api/items");
      render(sections);
      const grading = sections.some((s) => s.items.some((i) => i.latest && i.latest.status !== "graded"));
      if (!grading) say("");
    } catch (error) {
      say(error.message, true);
    }
  }
  const refresh = debounce(load, 100);

  document.getElementById("terminal-token").addEventListener("click", async () => {
    try {
      const issued = await post("/api/terminal-token");
      fill(document.getElementById("terminal-command"),
        `workbook login ${window.location.origin} --token ${issued.refresh_token}`);
      document.getElementById("terminal").hidden = false;
      document.getElementById("copy-command").hidden = !navigator.clipboard;
    } catch (error) {
      say(error.message, true);
    }
  });

  document.getElementById("copy-command").addEventListener("click", async () => {
    await navigator.clipboard.writeText(document.getElementById("terminal-command").textContent);
    say("Copied.");
  });

  (async () => {
    try {
      if (!await Workbook.guard("student")) return;
    } catch (error) {
      say(error.message, true);
      return;
    }
    await load();
    stream("/api/events", (event) => { if (event === "submission") refresh(); }, live);
  })();
})();
