/* 服务记分卡: on-time rates per commissioner or unit. Data from json_script "scorecard-data";
   the series' names, translated, from the chart box's data-label-* attributes. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("scorecard-data");
  var box = document.getElementById("chart-scorecard");
  if (!data || !window.echarts || !box) { return; }
  function label(step) { return box.getAttribute("data-label-" + step) || step; }
  function series(name, values, color) {
    return { name: name, type: "bar", data: values, itemStyle: { color: color },
             label: { show: true, position: "top", formatter: "{c}%" } };
  }
  Ganchao.chart("chart-scorecard", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 10, right: 10, top: 36, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      series(label("acknowledged"), data.acknowledged, "#206bc4"),
      series(label("planned"), data.planned, "#4299e1"),
      series(label("resolved"), data.resolved, "#2fb344")
    ]
  });
})();
