/* 法律顾问使用情况: consultations per unit. Data from json_script "usage-chart-data"; the series
   names from the chart element's data-totals / data-decisions. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("usage-chart-data");
  var element = document.getElementById("usage-chart");
  if (!data || !element) { return; }
  var totals = element.getAttribute("data-totals");
  var decisions = element.getAttribute("data-decisions");
  Ganchao.chart(element, {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: [totals, decisions] },
    grid: { left: 10, right: 30, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.units },
    series: [
      { name: totals, type: "bar", data: data.totals, itemStyle: { color: "#206bc4" }, label: { show: true, position: "right" } },
      { name: decisions, type: "bar", data: data.on_decisions, itemStyle: { color: "#667382" } }
    ]
  });
})();
