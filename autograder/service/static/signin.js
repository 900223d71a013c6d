// The sign-in page: the OAuth2 password flow, then the page of the account's role.
"use strict";

(() => {
  const {role, home, say, enter} = Workbook;
  if (role()) {
    window.location.replace(home(role()));
    return;
  }
  const form = document.getElementById("signin");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say("Signing in…");
    const body = new URLSearchParams({username: form.username.value.trim(), password: form.password.value});
    await enter("/api/token", {body});
  });
})();
