/* 驾驶舱 charts. Data comes from the page (json_script "dashboard-data"); every bar, slice and
   cell links to the rows behind it (the goal tree filtered by status or unit). */
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts || !window.Ganchao) { return; }
  var data = JSON.parse(holder.textContent);
  var COLOURS = { green: "#067647", yellow: "#b54708", red: "#b42318", grey: "#667085" };

  // every tooltip is built by Ganchao.tooltip (text, never markup): unit names may hold
  // any characters, <img src=x onerror=…> included
  function make(id, option, onClick) { Ganchao.chart(id, option, onClick); }

  function go(url) { if (url) { window.location.href = url; } }

  make("chart-status", {
    grid: { left: 70, right: 30, top: 10, bottom: 20 },
    tooltip: { trigger: "item" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.status.map(function (s) { return s.name; }) },
    series: [{
      type: "bar",
      barMaxWidth: 26,
      data: data.status.map(function (s) {
        return { value: s.value, url: s.url, itemStyle: { color: s.status === "not_started" ? "#98a2b3" : COLOURS[s.light] } };
      }),
      label: { show: true, position: "right" }
    }]
  }, function (event) { go(event.data && event.data.url); });

  make("chart-trend", {
    grid: { left: 45, right: 20, top: 30, bottom: 25 },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { data: ["达标率", "按时报送率"], top: 0 },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "达标率", type: "line", data: data.trend.ratio, connectNulls: true, itemStyle: { color: "#1d4ed8" } },
      { name: "按时报送率", type: "line", data: data.trend.punctual, connectNulls: true, lineStyle: { type: "dashed" }, itemStyle: { color: "#475467" } }
    ]
  });

  make("chart-lagging", {
    grid: { left: 110, right: 30, top: 30, bottom: 20 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["严重滞后", "滞后"], top: 0 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.lagging.map(function (u) { return u.name; }),
             axisLabel: { width: 100, overflow: "truncate" } },
    series: [
      { name: "严重滞后", type: "bar", stack: "n", barMaxWidth: 26, itemStyle: { color: COLOURS.red },
        data: data.lagging.map(function (u) { return { value: u.red, url: u.url }; }) },
      { name: "滞后", type: "bar", stack: "n", barMaxWidth: 26, itemStyle: { color: COLOURS.yellow },
        data: data.lagging.map(function (u) { return { value: u.yellow, url: u.url }; }) }
    ]
  }, function (event) { go(event.data && event.data.url); });

  var heat = data.heatmap;
  // the percentages inside the cells only where a cell can hold "100" (not at phone width,
  // where they ran into each other); the tooltip still gives each value
  var heatBox = document.getElementById("chart-heatmap");
  var cellWidth = heatBox ? (heatBox.clientWidth - 130) / Math.max(heat.months.length, 1) : 99;
  make("chart-heatmap", {
    grid: { left: 110, right: 20, top: 10, bottom: 60 },
    tooltip: { formatter: function (p) {
      return Ganchao.tooltip(heat.units[p.value[1]].name, [[p.color, heat.months[p.value[0]] + " 按时报送", p.value[2] + "%"]]);
    } },
    xAxis: { type: "category", data: heat.months, splitArea: { show: true } },
    yAxis: { type: "category", inverse: true, data: heat.units.map(function (u) { return u.name; }),
             axisLabel: { width: 100, overflow: "truncate" }, splitArea: { show: true } },
    visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                 text: ["100%", "0%"], inRange: { color: ["#b42318", "#fdb022", "#067647"] } },
    series: [{ type: "heatmap", data: heat.cells, label: { show: cellWidth >= 26, formatter: function (p) { return p.value[2]; } } }]
  }, function (event) { go(heat.urls[event.value[1]]); });

})();
