/* 问题台账: unclosed problems by age bucket, stacked by severity (data from json_script
   "problem-age-data"); each bar leads to its rows. Loads ECharts itself (no inline script: CSP). */
(function () {
  "use strict";
  var element = document.getElementById("problem-age-chart");
  if (!element || !window.Ganchao) { return; }
  function draw() {
    var data = Ganchao.data("problem-age-data");
    if (!data) { return; }
    var series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "age", barMaxWidth: 48, data: s.data,
               itemStyle: { color: s.color },
               label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } } };
    });
    Ganchao.chart(element, {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 36, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: data.buckets },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    }, function (params) {
      var row = data.urls[params.dataIndex];
      if (row && row[params.seriesIndex]) { window.location.href = row[params.seriesIndex]; }
    });
  }
  Ganchao.withECharts(element.getAttribute("data-echarts-src"), draw);
})();
