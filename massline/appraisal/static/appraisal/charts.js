// Draws every chart on the page from its JSON data block (<script type="application/json">), with the
// vendored ECharts; clicking a point opens the list of demands behind it. No inline script (CSP).
(function () {
  "use strict";
  function draw(box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + " %"; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 48, bottom: 28 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 8 };
      })
    });
    chart.on("click", function (params) {
      var series = data.series[params.seriesIndex];
      if (series && series.links[params.dataIndex]) { window.location.href = series.links[params.dataIndex]; }
    });
    box.classList.add("chart-ready");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
