/* 挂图作战: one line per project (grouped by leader), the planned span as a bar coloured by
   the project's health, milestones (diamonds) and approval steps (circles) at their dates:
   green done, red overdue, grey not yet due; the legend is grey, as the colours tell state, not
   series. Data: json_script "gantt-data". */
(function () {
  "use strict";
  var element = document.getElementById("gantt-chart");
  var data = window.Ganchao && Ganchao.data("gantt-data");
  if (!element || !data || !window.echarts) { return; }
  var text = element.dataset;
  var HEALTH = { on_track: "#2fb344", lagging: "#f59f00", blocked: "#d63939" };
  var MARK = { done: "#2fb344", late: "#d63939", open: "#9aa0ac" };
  var lines = data.lines;
  var labels = lines.map(function (l) { return l.leader + " · " + l.code + " " + l.name; });
  var day = function (iso) { return iso ? new Date(iso + "T00:00:00").getTime() : null; };

  var spans = lines.map(function (l, i) {
    return { value: [i, day(l.start), day(l.end)], line: l,
             itemStyle: { color: HEALTH[l.health] || "#9aa0ac" } };
  });
  function marks(kind) {
    var out = [];
    lines.forEach(function (l, i) {
      l.marks.forEach(function (m) {
        if (m.kind !== kind) { return; }
        var state = m.done ? "done" : (m.late ? "late" : "open");
        out.push({ value: [day(m.done || m.planned), i], mark: m, line: l, state: state,
                   itemStyle: { color: MARK[state], borderColor: "#fff", borderWidth: 1 } });
      });
    });
    return out;
  }
  function renderSpan(params, api) {
    var start = api.coord([api.value(1), api.value(0)]);
    var end = api.coord([api.value(2), api.value(0)]);
    var height = api.size([0, 1])[1] * 0.45;
    var shape = echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
    return shape && { type: "rect", shape: shape, style: api.style({ opacity: 0.35 }) };
  }
  function stateWord(state) {
    return state === "done" ? text.labelDone : (state === "late" ? text.labelLate : text.labelOpen);
  }
  var year = data.year;
  var chart = Ganchao.chart(element, {
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var d = p.data;
        if (d.mark) {
          var rows = [[p.color, stateWord(d.state), ""], ["", text.labelPlanned, d.mark.planned || "—"]];
          if (d.mark.done) { rows.push(["", text.labelDone, d.mark.done]); }
          return Ganchao.tooltip(d.line.code + " " + d.mark.name, rows);
        }
        return Ganchao.tooltip(d.line.code + " " + d.line.name, [
          [p.color, d.line.health_label, ""], ["", text.labelSpan, (d.line.start || "") + " — " + (d.line.end || "")]]);
      }
    },
    legend: { top: 0, data: [text.labelSpan, text.labelMilestone, text.labelStep] },
    grid: { left: 10, right: 24, top: 40, bottom: 24, containLabel: true },
    xAxis: { type: "time", min: day(year + "-01-01"), max: day(year + "-12-31"),
             axisLabel: { formatter: text.monthFormat }, splitLine: { show: true } },
    yAxis: { type: "category", data: labels, inverse: true,
             axisLabel: { width: 260, overflow: "truncate" }, triggerEvent: true },
    series: [
      { name: text.labelSpan, type: "custom", renderItem: renderSpan, encode: { x: [1, 2], y: 0 },
        data: spans, itemStyle: { color: "#9aa0ac" },
        markLine: { silent: true, symbol: "none", lineStyle: { color: "#d63939", type: "dashed" },
                    label: { formatter: text.labelToday },
                    data: [{ xAxis: new Date().setHours(0, 0, 0, 0) }] } },
      { name: text.labelMilestone, type: "scatter", symbol: "diamond", symbolSize: 14,
        data: marks("milestone"), itemStyle: { color: "#9aa0ac" } },
      { name: text.labelStep, type: "scatter", symbol: "circle", symbolSize: 10,
        data: marks("step"), itemStyle: { color: "#9aa0ac" } }
    ]
  }, function (p) {
    var line = p.data && p.data.line;
    if (!line && p.componentType === "yAxis") { line = lines[labels.indexOf(p.value)]; }
    if (line) { window.location.href = line.url; }
  });
  return chart;
})();
