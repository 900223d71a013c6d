// The sign-in page: the OAuth2 password flow, then the page of the account's role.
"use strict";

(() => {
  const {keep, role, home, detail, say} = Workbook;
  if (role()) {
    window.location.replace(home(role()));
    return;
  }
  const form = document.getElementById("signin");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say("Signing in…");
    const body = new URLSearchParams({username: form.username.value.trim(), password: form.password.value});
    try {
      const response = await fetch("/api/token", {method: "POST", body});
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
  });
})();
