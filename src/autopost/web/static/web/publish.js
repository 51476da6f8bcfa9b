// The publish dialog: htmx loads a clip's publish form into the page's <dialog>; this opens it,
// closes it (× / Отмена / Готово / the backdrop; Esc is native) and empties it when closed, so
// the status lines it showed do not linger next to the card's own.
(() => {
  "use strict";
  const dialog = document.getElementById("publish-dialog");
  if (!dialog) return;
  const body = document.getElementById("publish-dialog-body");

  const syncSchedule = (root) => {
    const later = root.querySelector('input[name="when"][value="later"]');
    const fields = root.querySelector(".schedule-fields");
    if (later && fields) fields.disabled = !later.checked;
  };

  // The body is empty unless a publish form was loaded into it (it is emptied on close).
  document.body.addEventListener("htmx:afterSwap", () => {
    if (!body.firstElementChild) return;
    syncSchedule(body);
    if (!dialog.open) dialog.showModal();
  });
  dialog.addEventListener("change", (event) => {
    if (event.target.name === "when") syncSchedule(body);
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target.closest("[data-close-dialog]")) dialog.close();
  });
  dialog.addEventListener("close", () => body.replaceChildren());
})();
