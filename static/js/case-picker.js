// The case picker: as a prosecutor types part of a case number, the cases that hold it are offered in the
// input's list (a <datalist>), fetched from the portal a few at a time. The form sends the number itself, so
// typing it in full works without this script too.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var asked = "";
    var timer = null;
    function suggest() {
      var text = input.value.trim();
      if (!text || text === asked) { return; }
      asked = text;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (cases) {
        if (asked !== text) { return; }  // a later keystroke's answer is on its way
        list.textContent = "";
        cases.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.case_number;
          option.label = c.procuratorate + " · " + c.stage;
          list.appendChild(option);
        });
        input.dataset.suggested = String(cases.length);
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  });
  document.documentElement.dataset.casePicker = "ready";
})();
