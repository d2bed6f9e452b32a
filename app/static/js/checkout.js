// Checkout: show the shipping and card fields only when they apply, and send
// the order once even if the button is pressed twice (the server also makes
// a repeated post the same order).
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) return;

  var same = document.getElementById("shipping_same");
  var shipping = document.getElementById("shipping-fields");
  var card = document.getElementById("card-fields");

  function method() {
    var chosen = form.querySelector('input[name="payment_method"]:checked');
    return chosen ? chosen.value : "";
  }

  function update() {
    if (same && shipping) shipping.hidden = same.checked;
    if (card) card.hidden = method() !== "card";
  }

  form.addEventListener("change", update);
  // Coming back with the browser's Back button shows the page as it was left.
  window.addEventListener("pageshow", function () {
    var button = form.querySelector('[type="submit"]');
    if (button) { button.disabled = false; button.value = "Place order"; }
  });
  form.addEventListener("submit", function () {
    var button = form.querySelector('[type="submit"]');
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
      button.value = "Placing your order…";
    }
  });
  update();
})();
