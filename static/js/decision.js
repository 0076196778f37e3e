// Shows only the fields of the chosen decision.
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  if (!form) { return; }
  function update() {
    var chosen = form.querySelector('input[name="action"]:checked');
    form.querySelectorAll("[data-for]").forEach(function (el) { el.hidden = !chosen || el.dataset.for !== chosen.value; });
  }
  form.addEventListener("change", update);
  update();
})();
