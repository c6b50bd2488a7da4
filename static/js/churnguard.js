/* ChurnGuard's own behaviour, loaded as a file so the Content Security Policy can forbid every
   inline script and style. */
(function () {
  "use strict";

  /* Bars and progress: the width comes from data-width (a percentage); setting it through the
     DOM is allowed where a style="" attribute would be refused. */
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      var width = parseFloat(element.getAttribute("data-width"));
      if (!isNaN(width)) {
        element.style.width = Math.max(0, Math.min(100, width)) + "%";
      }
    });
  }

  /* A failed htmx request shows its error where the user acted, never a blank or a bare
     fragment: htmx does not swap 4xx/5xx answers (except the form errors of a 400/422). */
  function showError(element, text) {
    var anchor = element.closest("form, tr, section, .card") || document.querySelector("main");
    if (!anchor) {
      return;
    }
    var note = anchor.querySelector(":scope > .htmx-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "htmx-error error";
      note.setAttribute("role", "alert");
      if (anchor.tagName === "TR") {
        var cell = anchor.lastElementChild || anchor;
        cell.appendChild(note);
      } else {
        anchor.appendChild(note);
      }
    }
    note.textContent = text;
  }

  function messageFor(name) {
    var body = document.body;
    return (body && body.getAttribute("data-" + name)) || "";
  }

  /* Back and Forward restore a snapshot of the page whose form may hold the values typed for a
     later query. A form marked data-sync-query shows the query of the URL, which is the query
     of the table restored with it. */
  function syncFormsWithQuery() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[data-sync-query]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "submit" || field.type === "hidden") {
          return;
        }
        /* A field absent from the URL shows the server's default for it (data-default), e.g.
           the triage list's owner: a CSM's list opens on their own accounts. */
        var value = params.has(field.name) ? params.get(field.name) || "" : field.getAttribute("data-default") || "";
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = params.getAll(field.name).indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT" && value === "") {
          field.selectedIndex = 0;  /* the first option is the "all" or default choice */
        } else {
          field.value = value;
        }
      });
    });
  }

  document.addEventListener("htmx:historyRestore", syncFormsWithQuery);
  window.addEventListener("pageshow", syncFormsWithQuery);
  document.addEventListener("DOMContentLoaded", function () {
    applyWidths(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    applyWidths(event.detail.target || document);
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var key = status === 403 ? "error-forbidden" : status === 404 ? "error-not-found" : "error-server";
    showError(event.detail.elt, messageFor(key));
  });
  document.addEventListener("htmx:sendError", function (event) {
    showError(event.detail.elt, messageFor("error-offline"));
  });
})();

// Small behaviours that keep the markup free of inline scripts (strict CSP).
// A link or button with data-opens="ID" opens the <details id="ID"> it fills (htmx loads the
// content); without JavaScript the link's own href still leads to a full page.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-opens]");
  if (!trigger) return;
  const drawer = document.getElementById(trigger.dataset.opens);
  if (drawer instanceof HTMLDetailsElement) drawer.open = true;
});

// A checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME that belongs
// to the same form (the rows' boxes join a form outside the table with form="..."); it shows
// "some" (indeterminate) when only part of them are ticked.
function boxesFor(master) {
  const form = master.form;
  if (!form) return [];
  return Array.from(form.elements).filter(
    (box) => box.type === "checkbox" && box.name === master.dataset.selectAll
  );
}
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) return;
  if (box.dataset.selectAll) {
    boxesFor(box).forEach((row) => { row.checked = box.checked; });
    return;
  }
  const master = box.form.querySelector("[data-select-all='" + box.name + "']")
    || document.querySelector("[data-select-all='" + box.name + "'][form='" + box.form.id + "']");
  if (!master) return;
  const rows = boxesFor(master);
  const ticked = rows.filter((row) => row.checked).length;
  master.checked = ticked === rows.length;
  master.indeterminate = ticked > 0 && ticked < rows.length;
});
