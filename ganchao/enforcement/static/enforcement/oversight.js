/* 执法监督 charts. Data from json_script "oversight-data"; tooltips through Ganchao.chart. */
(function () {
  "use strict";
  var data = window.Ganchao && Ganchao.data("oversight-data");
  if (!data || !window.echarts) { return; }
  function draw(id, option) {
    option.tooltip = option.tooltip || { trigger: "axis" };
    Ganchao.chart(id, option);
  }
  function bars(id, series, horizontal) {
    var category = { type: "category", data: series.labels, axisLabel: { interval: 0 } };
    var value = { type: "value", minInterval: 1 };
    draw(id, {
      grid: { left: 10, right: 30, top: 16, bottom: 10, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: [{ type: "bar", data: series.values, itemStyle: { color: "#206bc4" },
                 label: { show: true, position: horizontal ? "right" : "top" } }]
    });
  }
  draw("chart-filed", {
    grid: { left: 10, right: 10, top: 16, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.months }, yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.filed, itemStyle: { color: "#206bc4" } }]
  });
  draw("chart-fines", {
    grid: { left: 10, right: 10, top: 16, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: data.months, boundaryGap: false }, yAxis: { type: "value" },
    series: [{ type: "line", data: data.fines.map(Number), symbolSize: 6,
               lineStyle: { color: "#d63939" }, itemStyle: { color: "#d63939" }, areaStyle: { opacity: 0.08 } }]
  });
  bars("chart-stages", data.stages, true);
  bars("chart-violations", data.violations, true);
  bars("chart-decisions", data.decisions, true);
})();
