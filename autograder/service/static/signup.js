// The sign-up page: the one-time token is the URL's fragment (#TOKEN), which no server and
// no Referer ever sees; it is taken out of the address bar as soon as it is read.
"use strict";

(() => {
  const {say, enter} = Workbook;
  const token = decodeURIComponent(window.location.hash.slice(1));
  if (token) window.history.replaceState(null, "", window.location.pathname);
  const form = document.getElementById("signup");
  if (!token) {
    say("This page needs the whole sign-up link your instructor sent (it ends with #…).", true);
    form.querySelector("button").disabled = true;
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.password.value;
    if (password !== form.again.value) {
      say("The two passwords differ: type the same one twice.", true);
      return;
    }
    if (password.length < 8) {
      say("Choose a password of at least 8 characters.", true);
      return;
    }
    say("Signing up…");
    await enter("/api/signup", {headers: {"Content-Type": "application/json"}, body: JSON.stringify({token, password})});
  });
})();
