/* 单位考核得分卡: the rank trend (rank 1 at the top). Data from json_script "trend-data"; the
   table beside the chart carries the same figures for screen readers and print. */
(function () {
  "use strict";
  var holder = document.getElementById("trend-data");
  var element = document.getElementById("trend-chart");
  if (!holder || !element || !window.echarts || !window.Ganchao) { return; }
  var data = JSON.parse(holder.textContent);
  Ganchao.chart(element, {
    grid: { left: 36, right: 48, top: 24, bottom: 28 },
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var i = items[0].dataIndex;
        return Ganchao.tooltip(data.labels[i], [
          ["", data.rank_label, data.ranks[i]], ["", data.total_label, data.totals[i]]
        ]);
      }
    },
    xAxis: { type: "category", data: data.labels, boundaryGap: false },
    yAxis: {
      type: "value", inverse: true, min: 1, max: Math.max(data.worst, 2), minInterval: 1
    },
    series: [{
      type: "line", data: data.ranks, symbolSize: 8, lineStyle: { width: 2, color: "#206bc4" },
      itemStyle: { color: "#206bc4" },
      label: { show: true, position: "top", formatter: function (p) { return p.value; } }
    }]
  });
})();
