/* 服务记分卡: on-time rates per commissioner or unit. Data from json_script "scorecard-data". */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("scorecard-data");
  if (!data || !window.echarts || !document.getElementById("chart-scorecard")) { return; }
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
      series("按时响应", data.acknowledged, "#206bc4"),
      series("按时制定方案", data.planned, "#4299e1"),
      series("按时解决", data.resolved, "#2fb344")
    ]
  });
})();
