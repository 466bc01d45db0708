/* Ganchao's shared page script, loaded by every page (base.html) before any other script.

   The Content-Security-Policy allows no inline script, no inline event handler, no eval and
   no style attribute (common/middleware.py). So:
   - Ganchao.escapeHtml is the one escaping helper for any HTML built from data in a script;
   - Ganchao.chart draws an ECharts chart and gives it a tooltip built as DOM nodes whose text
     is set with textContent: a unit name or a benchmark's region such as
     <img src=x onerror=…> shows as those characters and never becomes markup;
   - the small behaviours templates used to write inline (print buttons, confirmations, focus
     on an error summary, "add a row" buttons, busy import buttons, sizes taken from data) are
     declared with data-gc-* attributes and wired here. */
(function () {
  "use strict";
  var Ganchao = window.Ganchao = window.Ganchao || {};
  var FONT = "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif";

  /* Text → HTML that shows exactly that text. */
  Ganchao.escapeHtml = function (text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  };

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text != null) { element.textContent = String(text); }
    return element;
  }

  /* A tooltip as DOM: a title, then lines of [colour, label, value] (each may be empty).
     ECharts puts a returned element into the tooltip as it is, without parsing any HTML. */
  Ganchao.tooltip = function (title, lines) {
    var box = node("div", "gc-tip");
    if (title != null && title !== "") { box.appendChild(node("div", "gc-tip-title", title)); }
    (lines || []).forEach(function (line) {
      var row = node("div", "gc-tip-row");
      if (line[0] && typeof line[0] === "string") {
        var marker = node("span", "gc-tip-marker");
        marker.style.backgroundColor = line[0]; // CSSOM, allowed by style-src 'self'
        row.appendChild(marker);
      }
      if (line[1] != null && line[1] !== "") { row.appendChild(node("span", "gc-tip-label", line[1])); }
      if (line[2] != null && line[2] !== "") { row.appendChild(node("span", "gc-tip-value", line[2])); }
      box.appendChild(row);
    });
    return box;
  };

  function shown(value, valueFormatter) {
    if (Array.isArray(value)) { value = value[value.length - 1]; }
    if (valueFormatter) { return valueFormatter(value); }
    return value == null || value === "-" ? "—" : value;
  }

  /* ECharts' own tooltip layout (axis: the category, then one line a series; item: the series,
     then the item), rebuilt safely. */
  Ganchao.defaultTooltip = function (valueFormatter) {
    return function (params) {
      if (Array.isArray(params)) {
        var title = params.length ? params[0].axisValueLabel : "";
        return Ganchao.tooltip(title, params.map(function (p) {
          return [p.color, p.seriesName, shown(p.value, valueFormatter)];
        }));
      }
      var single = params.seriesName && params.seriesName.indexOf("series\u0000") !== 0 ? params.seriesName : "";
      return Ganchao.tooltip(single, [[params.color, params.name, shown(params.value, valueFormatter)]]);
    };
  };

  /* Draw a chart on `target` (an element or its id). Every tooltip goes through
     Ganchao.tooltip: a formatter of the option must return Ganchao.tooltip(…) itself;
     without one the safe default layout is used. */
  Ganchao.chart = function (target, option, onClick) {
    var element = typeof target === "string" ? document.getElementById(target) : target;
    if (!element || !window.echarts) { return null; }
    applySizes(element);
    option.animation = false;
    option.textStyle = option.textStyle || { fontFamily: FONT };
    if (option.tooltip) {
      var given = typeof option.tooltip.formatter === "function" ? option.tooltip.formatter
        : Ganchao.defaultTooltip(option.tooltip.valueFormatter);
      option.tooltip.renderMode = "html";
      option.tooltip.className = "gc-tip-box";
      // a formatter that returns a string is shown as that text: ECharts would otherwise parse
      // it as HTML (a template string such as "{b}: {c}" is replaced by the safe default)
      option.tooltip.formatter = function () {
        var out = given.apply(this, arguments);
        return typeof out === "string" ? Ganchao.tooltip(out, []) : out;
      };
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    if (onClick) { chart.on("click", onClick); element.classList.add("cursor-pointer"); }
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
    return chart;
  };

  /* The JSON a template wrote with json_script. */
  Ganchao.data = function (id) {
    var holder = document.getElementById(id);
    return holder ? JSON.parse(holder.textContent) : null;
  };

  /* Load ECharts once (for partials included in pages that may not have it), then call back. */
  Ganchao.withECharts = function (src, callback) {
    if (window.echarts) { callback(); return; }
    var script = document.createElement("script");
    script.src = src;
    script.addEventListener("load", callback);
    document.head.appendChild(script);
  };

  // Sizes that come from data: data-gc-width / data-gc-left in %, data-gc-height in px,
  // data-gc-indent in rem (padding-left).
  function applySizes(element) {
    var d = element.dataset;
    if (d.gcWidth) { element.style.width = d.gcWidth + "%"; }
    if (d.gcLeft) { element.style.left = d.gcLeft + "%"; }
    if (d.gcHeight) { element.style.height = d.gcHeight + "px"; }
    if (d.gcIndent) { element.style.paddingLeft = d.gcIndent + "rem"; }
  }

  function each(root, selector, callback) {
    var found = root.querySelectorAll(selector);
    if (root.matches && root.matches(selector)) { callback(root); }
    for (var i = 0; i < found.length; i++) { callback(found[i]); }
  }

  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById(button.getAttribute("data-total") || "id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(button.getAttribute("data-template") || prefix + "-empty");
    var rows = document.getElementById(button.getAttribute("data-rows") || prefix + "-rows");
    if (!total || !template || !rows) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
    });
  }

  function wire(root) {
    each(root, "[data-gc-width], [data-gc-left], [data-gc-height], [data-gc-indent]", applySizes);
    each(root, "[data-gc-print]", function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    each(root, "form[data-gc-confirm]", function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-gc-confirm"))) { event.preventDefault(); }
      });
    });
    // a large sheet takes a few seconds: say so, and keep the form from being sent twice
    each(root, "button[data-busy]", function (button) {
      if (!button.form) { return; }
      button.form.addEventListener("submit", function () {
        button.disabled = true;
        button.textContent = button.dataset.busy;
      });
    });
    each(root, "[data-add-row]", addRow);
    each(root, "datalist[data-gc-for]", function (list) {
      var input = document.getElementById(list.getAttribute("data-gc-for"));
      if (input) { input.setAttribute("list", list.id); }
    });
    var focus = root.querySelector ? root.querySelector("[data-gc-focus]") : null;
    if (focus) { focus.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  // content swapped in by htmx gets the same behaviours
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) { wire(event.target); }
  });
})();
