/* 单位督办记分卡: where the time went, a bar per unit; a bar leads to that unit's matters. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("dwell-chart-data");
  if (!data) { return; }
  Ganchao.chart("dwell-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 10, right: 30, top: 35, bottom: 10, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.names },
    series: [
      { name: data.total_label, type: "bar", barMaxWidth: 18, data: data.total },
      { name: data.median_label, type: "bar", barMaxWidth: 18, data: data.median }
    ]
  }, function (p) { window.location.href = data.urls[p.dataIndex]; });
})();
