// Progressive enhancement only: every page works the same without this file.
(() => {
  enhance(document);
  startLive();

  /** What this script adds to a part of the page: run on load and again on content a live update swapped in. */
  function enhance(root) {
    enhanceCopyButtons(root);
    enhanceTransferForms(root);
  }

  // A copy button next to a join code that was just made.
  function enhanceCopyButtons(root) {
    for (const button of root.querySelectorAll("[data-copy-from]")) {
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
  }

  // The typed transfer confirmation in a dialog over the member list, instead of a page of its
  // own. The dialog holds the very form of /members/transfer, which posts as usual.
  function enhanceTransferForms(root) {
    for (const form of root.querySelectorAll("form.transfer-form")) {
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
  }

  // Open pages stay current (docs/live-updates.md): the org's socket says which topics changed,
  // and a page showing one of them refetches itself and swaps in its new <main> and header.
  function startLive() {
    const orgId = document.body.dataset.liveOrg;
    const main = document.getElementById("main");
    if (!orgId || !main || !("WebSocket" in window)) return;
    const topics = new Set((main.dataset.liveTopics || "").split(/\s+/).filter(Boolean));
    const refetchable = main.dataset.liveRefetch !== undefined;
    const MIN_DELAY = 1000;
    const MAX_DELAY = 30000;
    let delay = MIN_DELAY;
    let socket = null;
    let pinger = null;
    let hidden = false;
    let everOpened = false;
    let refreshing = false;
    let refreshAgain = false;
    let deferred = false;
    let navigatedAt = -Infinity;
    const NAVIGATION_GRACE_MS = 5000;

    function connect() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${scheme}//${location.host}/api/orgs/${encodeURIComponent(orgId)}/live`);
      let opened = false;
      socket = ws;
      ws.addEventListener("open", () => {
        opened = true;
        delay = MIN_DELAY;
        // Changes made while we were away were never announced to us.
        if (everOpened) refresh();
        everOpened = true;
        // Not needed by the server; keeps idle NAT mappings open.
        pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 30000);
      });
      ws.addEventListener("message", (event) => {
        if (typeof event.data !== "string" || event.data === "pong") return;
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message && message.type === "changed" && Array.isArray(message.topics) && message.topics.some((topic) => topics.has(topic)))
          refresh();
      });
      ws.addEventListener("close", (event) => {
        clearInterval(pinger);
        if (socket !== ws || hidden) return;
        if (event.code === 4001) return afterNavigation(() => location.assign("/setup"));
        if (event.code === 4003) return afterNavigation(() => location.reload());
        // Refused at the door: perhaps no longer a member, or signed out meanwhile.
        if (!opened) checkMembership();
        const wait = delay * (0.5 + Math.random());
        delay = Math.min(delay * 2, MAX_DELAY);
        setTimeout(() => socket === ws && !hidden && connect(), wait);
      });
    }

    // The person's own form post (leaving, a transfer) closes their socket before its answer
    // arrives: going elsewhere then would cancel that answer and its message. Give it time.
    function afterNavigation(action) {
      const since = performance.now() - navigatedAt;
      if (since >= NAVIGATION_GRACE_MS) return action();
      setTimeout(() => hidden || action(), NAVIGATION_GRACE_MS - since);
    }

    async function checkMembership() {
      try {
        const response = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.status === 401) return location.assign("/sign-in");
        if (!response.ok) return;
        const me = await response.json();
        if (!me.org || me.org.id !== orgId) location.assign("/setup");
      } catch {
        // offline: the next attempt asks again
      }
    }

    /** A field on the page holds something typed and not yet sent, or a dialog is open: swapping would lose it. */
    function editing() {
      if (document.querySelector("dialog[open]")) return true;
      const current = document.getElementById("main");
      for (const field of current ? current.querySelectorAll("input, textarea, select") : []) {
        if (field instanceof HTMLSelectElement) {
          if (Array.from(field.options).some((option) => option.selected !== option.defaultSelected)) return true;
        } else if (field.type === "checkbox" || field.type === "radio") {
          if (field.checked !== field.defaultChecked) return true;
        } else if (field.type !== "hidden" && field.value !== field.defaultValue) {
          return true;
        }
      }
      return false;
    }

    async function refresh() {
      if (!refetchable) return;
      if (refreshing) {
        refreshAgain = true;
        return;
      }
      if (editing()) {
        deferred = true;
        return;
      }
      refreshing = true;
      try {
        const response = await fetch(location.href, {
          credentials: "same-origin",
          headers: { Accept: "text/html", "X-Cohort-Live-Refetch": "1" },
        });
        if (response.redirected && new URL(response.url).pathname !== location.pathname) return location.assign(response.url);
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const next = page.getElementById("main");
        if (!next) return;
        if (editing()) {
          deferred = true;
          return;
        }
        swap(page, next);
      } catch {
        // offline or mid-navigation: the next notice tries again
      } finally {
        refreshing = false;
        if (refreshAgain) {
          refreshAgain = false;
          refresh();
        }
      }
    }

    function swap(page, next) {
      const current = document.getElementById("main");
      const active = document.activeElement && current.contains(document.activeElement) ? document.activeElement : null;
      const focusKey = active && (active.id ? `#${CSS.escape(active.id)}` : active.name ? `[name="${CSS.escape(active.name)}"]` : null);
      // The message of the last form post is shown once: keep it across the swap.
      const flash = current.querySelector(":scope > .flash");
      current.replaceChildren(...Array.from(next.childNodes, (node) => document.importNode(node, true)));
      if (flash && !current.querySelector(":scope > .flash")) current.prepend(flash);
      const header = document.querySelector(".site-header");
      const nextHeader = page.querySelector(".site-header");
      if (header && nextHeader) header.replaceWith(document.importNode(nextHeader, true));
      if (page.title) document.title = page.title;
      enhance(current);
      const again = focusKey && current.querySelector(focusKey);
      if (again) again.focus({ preventScroll: true });
    }

    // A field given up (cleared, or left as it was) lets a held-back update through.
    document.addEventListener("focusout", () => {
      if (!deferred) return;
      deferred = false;
      setTimeout(refresh, 0);
    });
    window.addEventListener("beforeunload", () => (navigatedAt = performance.now()));
    // Leaving closes the socket; coming back (the back button's cache) opens it and catches up.
    window.addEventListener("pagehide", () => {
      hidden = true;
      if (socket) socket.close(1000, "page hidden");
    });
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      hidden = false;
      everOpened = true;
      connect();
    });
    connect();
  }
})();
