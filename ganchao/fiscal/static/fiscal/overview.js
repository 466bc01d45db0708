/* 量力而行: capacity against committed per unit, the excess in red; a bar opens the unit's year. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("fiscal-chart-data");
  if (!data) { return; }
  var number = function (v) { return v === null ? null : Number(v); };
  // the unit of money, translated by the template (data-unit)
  var chartBox = document.getElementById("fiscal-chart");
  var unit = (chartBox && chartBox.getAttribute("data-unit")) || "";
  Ganchao.chart("fiscal-chart", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + " " + unit; } },
    legend: { top: 0 },
    grid: { left: 10, right: 30, top: 35, bottom: 10, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.names },
    series: [
      { name: data.labels.capacity, type: "bar", barMaxWidth: 14, itemStyle: { color: "#94a3b8" }, data: data.capacity.map(number) },
      { name: data.labels.within, type: "bar", stack: "committed", barMaxWidth: 14, itemStyle: { color: "#206bc4" }, data: data.within.map(number) },
      { name: data.labels.excess, type: "bar", stack: "committed", barMaxWidth: 14, itemStyle: { color: "#d63939" }, data: data.excess.map(number) }
    ]
  }, function (p) { window.location.href = data.urls[p.dataIndex]; });
})();
