// dkim-analyzer serve: the page's only script (CSP default-src 'self': no inline script).
// Without it the page still works: the language links reload the form, the reports are
// all on the page, the text report is in its <details>.
"use strict";

function setLang(lang) {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-lang]")) {
    el.hidden = el.dataset.lang !== lang;
  }
  for (const a of document.querySelectorAll("[data-set-lang]")) {
    if (a.dataset.setLang === lang) a.setAttribute("aria-current", "true");
    else a.removeAttribute("aria-current");
  }
  const field = document.getElementById("lang-field");
  if (field) field.value = lang;
}

function say(text) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = text;
  setTimeout(() => { if (status.textContent === text) status.textContent = ""; }, 4000);
}

async function copyText(button) {
  const text = document.getElementById(button.dataset.copy).textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  say(button.dataset.done || "OK");
}

function download(button) {
  // The element holds the `check --format json` document as one JSON string.
  const text = JSON.parse(document.getElementById(button.dataset.download).textContent);
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = button.dataset.filename || "dkim-analyzer.json";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function dropZone() {
  const zone = document.getElementById("drop");
  const input = document.getElementById("file");
  if (!zone || !input) return;
  const over = (on) => (e) => { e.preventDefault(); zone.classList.toggle("over", on); };
  zone.addEventListener("dragenter", over(true));
  zone.addEventListener("dragover", over(true));
  zone.addEventListener("dragleave", over(false));
  zone.addEventListener("drop", (e) => {
    over(false)(e);
    if (e.dataTransfer && e.dataTransfer.files.length) input.files = e.dataTransfer.files;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const a of document.querySelectorAll("[data-set-lang]")) {
    a.addEventListener("click", (e) => { e.preventDefault(); setLang(a.dataset.setLang); });
  }
  for (const b of document.querySelectorAll("[data-copy]")) {
    b.hidden = false;
    b.addEventListener("click", () => copyText(b));
  }
  for (const b of document.querySelectorAll("[data-download]")) {
    if (!b.dataset.lang || b.dataset.lang === document.documentElement.lang) b.hidden = false;
    b.addEventListener("click", () => download(b));
  }
  dropZone();
});
