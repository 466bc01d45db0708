/* 对标一流 charts. The data comes from the page (json_script); ECharts is loaded from the
   chart element's data-echarts-src unless the page already has it. Tooltips are built by
   Ganchao.tooltip (text, never markup): a region or an indicator may hold any characters.
   - #benchmark-gaps-chart: a unit's value as a percentage of each benchmark, with a 100 % line;
   - #benchmark-chart: one indicator, each unit's value with the benchmarks as mark lines. */
(function () {
  "use strict";
  var GREEN = "#067647", RED = "#b42318", BLUE = "#1d4ed8";

  function gapsOption(rows) {
    var shown = rows.filter(function (r) { return r.percent !== null; });
    return {
      grid: { left: 10, right: 50, top: 24, bottom: 10, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        return Ganchao.tooltip(p.name, [[p.color, "", p.value + "%"]]);
      } },
      // the 100% line must stay on the chart even when every unit is far below it
      xAxis: { type: "value", axisLabel: { formatter: "{value}%" },
               max: function (extent) { return Math.ceil(Math.max(extent.max, 100) * 1.08); } },
      yAxis: { type: "category", inverse: true,
               axisLabel: { width: 160, overflow: "truncate" },
               data: shown.map(function (r) { return r.indicator + "（" + r.region + "）"; }) },
      series: [{
        type: "bar", barMaxWidth: 18,
        label: { show: true, position: "right", formatter: "{c}%" },
        data: shown.map(function (r) {
          return { value: parseFloat(r.percent), itemStyle: { color: r.reached ? GREEN : RED } };
        }),
        markLine: { symbol: "none", lineStyle: { color: "#475467", type: "dashed" },
                    label: { position: "start", formatter: "100%" }, data: [{ xAxis: 100 }] }
      }]
    };
  }

  function indicatorOption(data) {
    // the axis reaches past the highest benchmark, so every dashed benchmark line is drawn
    var top = Math.max.apply(null, data.lines.map(function (l) { return parseFloat(l.value); })
      .concat(data.values.map(function (v) { return v == null ? 0 : parseFloat(v); })));
    return {
      grid: { left: 10, right: 60, top: 50, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "未报送" : v + " " + data.unit; } },
      xAxis: { type: "value", name: data.unit, max: top > 0 ? Math.ceil(top * 1.1) : null },
      yAxis: { type: "category", inverse: true, data: data.names,
               axisLabel: { width: 120, overflow: "truncate" } },
      series: [{
        type: "bar", barMaxWidth: 18, itemStyle: { color: BLUE }, data: data.values,
        markLine: { symbol: "none", lineStyle: { color: RED, type: "dashed" },
                    label: { position: "start", formatter: "{b}\n{c}" },
                    data: data.lines.map(function (l) { return { name: l.name, xAxis: l.value }; }) }
      }]
    };
  }

  function draw() {
    [["benchmark-gaps-chart", "benchmark-gaps-data", gapsOption],
     ["benchmark-chart", "benchmark-chart-data", indicatorOption]].forEach(function (spec) {
      var data = Ganchao.data(spec[1]);
      if (data) { Ganchao.chart(spec[0], spec[2](data)); }
    });
  }

  function start() {
    var element = document.querySelector("[data-echarts-src]");
    if (!window.echarts && !element) { return; }
    Ganchao.withECharts(element ? element.getAttribute("data-echarts-src") : "", draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
