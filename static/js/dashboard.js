// The supervisor's charts, drawn with Chart.js from the figures the page carries as JSON.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#8a1c1c", "#1d4ed8", "#b45309", "#047857", "#6d28d9", "#be185d", "#0e7490", "#4d7c0f", "#9a3412"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#5d6677";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    var doughnut = spec.type === "doughnut";
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: doughnut ? palette : palette[i % palette.length],
            borderRadius: doughnut ? 0 : 3
          };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: doughnut || spec.series.length > 1, position: "bottom" } },
        scales: doughnut ? {} : { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
