/* The burden meter (visits/partials/burden_chart.html): requirements reaching the grassroots
   by month, stacked by kind, and the units over the threshold. Loads ECharts itself unless
   the page already has it; the line's name and ECharts' address come from data attributes. */
(function () {
  "use strict";
  var element = document.getElementById("burden-chart");
  if (!element || !window.Ganchao) { return; }
  function draw() {
    var data = Ganchao.data("burden-chart-data");
    if (!data) { return; }
    var series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "n", barMaxWidth: 28, data: s.data };
    });
    series.push({ name: element.getAttribute("data-over-label"), type: "line", yAxisIndex: 1,
                  data: data.units_over, itemStyle: { color: "#b42318" } });
    Ganchao.chart(element, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 45, right: 45, top: 40, bottom: 25 },
      xAxis: { type: "category", data: data.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: series
    }, function () { window.location.href = data.url; });
  }
  Ganchao.withECharts(element.getAttribute("data-echarts-src"), draw);
})();
