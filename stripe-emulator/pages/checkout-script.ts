// The hosted page's only script, and an optional one: the form works by
// plain posts without it. With it, picking a shipping option, changing the
// country or region, and applying or removing a promotion code post the form
// in the background and swap in the parts of the page that changed (totals,
// the address fields of a new country, the promotion code block), keeping
// the keyboard focus where it was and announcing the new total. Buttons named
// "action" (update, apply_code, remove_code) are the ones it takes over; the
// pay buttons submit normally.

export const checkoutScript = `
(() => {
  const form = document.getElementById("checkout-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  const live = document.getElementById("live");
  const swap = (doc, id) => {
    const next = doc.getElementById(id);
    const current = document.getElementById(id);
    if (next && current) current.replaceWith(next);
  };
  let queue = Promise.resolve();
  const refresh = (action) => {
    queue = queue.then(async () => {
      const data = new URLSearchParams(new FormData(form));
      data.set("action", action);
      const response = await fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "x-checkout-refresh": "1" } });
      if (!response.headers.get("content-type")?.startsWith("text/html")) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      if (!doc.getElementById("checkout-form")) return window.location.reload();
      const focused = document.activeElement && document.activeElement.id;
      const lines = doc.getElementById("address-lines");
      const country = document.getElementById("address-lines");
      if (lines && country && lines.dataset.country !== country.dataset.country) swap(doc, "address-lines");
      if (action !== "update") swap(doc, "promotion");
      // The payment forms only when the order became free or stopped being (typed card details stay otherwise).
      const payment = doc.getElementById("payment");
      if (payment && payment.dataset.free !== document.getElementById("payment")?.dataset.free) swap(doc, "payment");
      for (const id of ["summary", "pay-card", "expected-total"]) swap(doc, id);
      const again = focused && document.getElementById(focused);
      if (again && again !== document.activeElement) again.focus();
      else if (action !== "update") document.querySelector("#promotion [data-focus]")?.focus();
      const total = document.getElementById("total-due");
      if (live && total) live.textContent = "Total due " + total.textContent;
    }).catch(() => undefined);
  };
  form.addEventListener("change", (event) => {
    const name = event.target && event.target.name;
    if (name === "shipping_rate" || name === "country" || name === "state" || name === "postal_code") refresh("update");
  });
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || button.name !== "action") return;
    event.preventDefault();
    refresh(button.value);
  });
})();
`;
