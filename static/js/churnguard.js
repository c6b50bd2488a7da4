// Small behaviours that keep the markup free of inline scripts (strict CSP).
// A link or button with data-opens="ID" opens the <details id="ID"> it fills (htmx loads the
// content); without JavaScript the link's own href still leads to a full page.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-opens]");
  if (!trigger) return;
  const drawer = document.getElementById(trigger.dataset.opens);
  if (drawer instanceof HTMLDetailsElement) drawer.open = true;
});
