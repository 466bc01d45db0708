/* 重点项目: planned and actual investment by month (the project page and 挂图作战).
   Data from json_script "investment-data" or "gantt-data": {months, planned, actual}. */
(function () {
  "use strict";
  if (!window.Ganchao || !window.echarts) { return; }
  var targets = [["investment-chart", "investment-data"], ["gantt-investment", "gantt-data"]];
  targets.forEach(function (pair) {
    var element = document.getElementById(pair[0]);
    var data = Ganchao.data(pair[1]);
    if (!element || !data) { return; }
    Ganchao.chart(element, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 36, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: element.dataset.labelUnit },
      series: [
        { name: element.dataset.labelPlanned, type: "bar", data: data.planned.map(Number), itemStyle: { color: "#a6c8f0" } },
        { name: element.dataset.labelActual, type: "bar", data: data.actual.map(Number), itemStyle: { color: "#206bc4" } }
      ]
    });
  });
})();
