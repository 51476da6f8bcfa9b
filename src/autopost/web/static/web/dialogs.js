// Native <dialog>s opened by a button. Without JavaScript the same button submits its form and
// the server shows the confirmation as a page, so nothing here is required for the action itself.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-opens-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.opensDialog);
    if (dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      dialog.showModal();
    }
    return;
  }
  // A click on the backdrop lands on the <dialog> itself (its body fills the box): close it.
  if (event.target instanceof HTMLDialogElement && event.target.open) {
    event.target.close();
  }
});
