/* An indicator's actual values against the pro-rata target, by month. Data from json_script
   "item-chart-data"; the series names from the chart element's data-expected / data-actual. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("item-chart-data");
  var element = document.getElementById("item-chart");
  if (!data || !element) { return; }
  var expected = element.getAttribute("data-expected");
  var actual = element.getAttribute("data-actual");
  Ganchao.chart(element, {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [expected, actual] },
    grid: { left: 60, right: 20, top: 50, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: data.unit },
    series: [
      { name: expected, type: "line", data: data.expected, lineStyle: { type: "dashed" }, symbol: "none" },
      { name: actual, type: "line", data: data.actual, connectNulls: true, symbolSize: 8 }
    ]
  });
})();
