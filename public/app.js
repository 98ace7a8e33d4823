// Progressive enhancement only: every page works the same without this file.
(() => {
  // A copy button next to a join code that was just made.
  for (const button of document.querySelectorAll("[data-copy-from]")) {
    const source = document.getElementById(button.dataset.copyFrom);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select the code to copy it";
      }
      setTimeout(() => (button.textContent = "Copy code"), 2500);
    });
  }

  // The typed transfer confirmation in a dialog over the member list, instead of a page of its
  // own. The dialog holds the very form of /members/transfer, which posts as usual.
  for (const form of document.querySelectorAll("form.transfer-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const url = new URL(form.action);
      url.search = new URLSearchParams(new FormData(form)).toString();
      let section = null;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok && !response.redirected) {
          const page = new DOMParser().parseFromString(await response.text(), "text/html");
          section = page.getElementById("transfer-confirmation");
        }
      } catch {
        section = null;
      }
      if (!section) {
        window.location.assign(url);
        return;
      }
      const dialog = document.createElement("dialog");
      dialog.setAttribute("aria-labelledby", "transfer-heading");
      dialog.append(document.importNode(section, true));
      dialog.querySelector(".cancel-link")?.addEventListener("click", (click) => {
        click.preventDefault();
        dialog.close();
      });
      dialog.addEventListener("close", () => dialog.remove());
      document.body.append(dialog);
      dialog.showModal();
    });
  }
})();
