// The «Клипы» drop zone: drag and drop or choose files; each is sent by XHR (so the progress bar
// shows real upload progress) and its card, rendered by the server, is put at the top of the list.
// Without JavaScript the same form posts normally and the page reloads.
(() => {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form || !window.FormData) return;
  form.classList.add("enhanced");

  const input = form.querySelector('input[type="file"]');
  const progressBox = form.querySelector(".upload-progress");
  const bar = progressBox.querySelector("progress");
  const nameLabel = progressBox.querySelector(".upload-name");
  const percentLabel = progressBox.querySelector(".upload-percent");
  const errorBox = form.querySelector(".upload-error");
  const maxBytes = Number(form.dataset.maxBytes) || Infinity;
  const queue = [];
  let busy = false;

  const showError = (text) => { errorBox.textContent = text; errorBox.hidden = false; };
  const setProgress = (fraction, text) => {
    bar.value = Math.round(fraction * 100);
    percentLabel.textContent = text || `${bar.value} %`;
  };

  function enqueue(files) {
    errorBox.hidden = true;
    queue.push(...Array.from(files));
    next();
  }

  function next() {
    if (busy || !queue.length) return;
    const file = queue.shift();
    if (file.size > maxBytes) {
      showError(`${file.name}: ${form.dataset.msgTooLarge}`);
      next();
      return;
    }
    busy = true;
    form.classList.add("uploading");
    progressBox.hidden = false;
    nameLabel.textContent = file.name;
    setProgress(0);

    const data = new FormData();
    const token = form.querySelector('[name="csrfmiddlewaretoken"]').value;
    data.append("csrfmiddlewaretoken", token);
    data.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) setProgress(event.loaded / event.total);
    };
    // Sent: the server now probes the video and makes its poster.
    xhr.upload.onload = () => setProgress(1, form.dataset.msgProcessing);
    xhr.onload = () => {
      if (xhr.status === 201) {
        insertCard(xhr.responseText);
        setProgress(1, `✓ ${form.dataset.msgDone}`);
      } else {
        let message = form.dataset.msgFailed;
        try { message = JSON.parse(xhr.responseText).message || message; } catch (ignored) { /* not JSON */ }
        progressBox.hidden = true;
        showError(`${file.name}: ${message}`);
      }
      done();
    };
    xhr.onerror = xhr.onabort = () => {
      progressBox.hidden = true;
      showError(`${file.name}: ${form.dataset.msgFailed}`);
      done();
    };
    xhr.send(data);
  }

  function done() {
    busy = false;
    form.classList.remove("uploading");
    next();
  }

  function insertCard(html) {
    const list = document.getElementById("clip-list");
    const empty = document.getElementById("clips-empty");
    if (empty) empty.remove();
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const card = template.content.firstElementChild;
    list.prepend(card);
    if (window.htmx) window.htmx.process(card);
  }

  input.addEventListener("change", () => {
    enqueue(input.files);
    input.value = "";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.files.length) enqueue(input.files);
  });

  const carriesFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files");
  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    form.classList.add("dragover");
  }));
  form.addEventListener("dragleave", (event) => {
    if (!form.contains(event.relatedTarget)) form.classList.remove("dragover");
  });
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("dragover");
    if (event.dataTransfer.files.length) enqueue(event.dataTransfer.files);
  });
  // A file dropped next to the zone must not make the browser leave the page to play it.
  ["dragover", "drop"].forEach((type) => document.addEventListener(type, (event) => {
    if (carriesFiles(event) && !form.contains(event.target)) event.preventDefault();
  }));
})();
