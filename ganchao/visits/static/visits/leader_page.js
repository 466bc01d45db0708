/* A leader's visits: guidance against demands by month. Data from json_script
   "meter-chart-data"; the series names from the chart element's data attributes. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("meter-chart-data");
  var element = document.getElementById("meter-chart");
  if (!data || !element) { return; }
  var guidance = element.getAttribute("data-guidance");
  var demands = element.getAttribute("data-demands");
  Ganchao.chart(element, {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [guidance, demands] },
    grid: { left: 40, right: 20, top: 35, bottom: 25 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: guidance, type: "bar", data: data.guidance, itemStyle: { color: "#067647" } },
      { name: demands, type: "bar", data: data.demands, itemStyle: { color: "#475467" } }
    ]
  });
})();
