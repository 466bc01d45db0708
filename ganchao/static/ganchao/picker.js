// The type-ahead picker (common/widgets.py): every <select data-picker> (or text box with
// data-picker, for fields that take a code or a name) becomes a searchable box. The options in the page are searched by name, 简称, 编码 and unit; a select with
// data-search-url also asks the server (scoped, paged JSON) as the user types. Without this
// script, or without tom-select, the select stays a plain one and the form still works.
(function () {
  "use strict";

  function remoteRows(payload, valueField) {
    var rows = (payload && payload.items) || [];
    return rows.map(function (row) {
      return {
        value: String(row[valueField]),
        text: row.name || row.full_name || "",
        code: row.code || "",
        aliases: (row.aliases || []).join(" "),
        unit: row.unit || "",
      };
    });
  }

  // tom-select's render functions return HTML: every name goes through the one helper
  function escape(text) { return window.Ganchao.escapeHtml(text); }

  function optionHtml(data) {
    var extra = [data.unit, data.code].filter(Boolean).join(" · ");
    return (
      "<div>" + escape(data.text) +
      (extra ? ' <small class="text-secondary">' + escape(extra) + "</small>" : "") +
      "</div>"
    );
  }

  function enhance(select) {
    if (select.tomselect) { return; }
    var url = select.getAttribute("data-search-url");
    var typed = select.tagName === "INPUT"; // a text box that takes a code, a name or a path
    var valueField = select.getAttribute("data-value-field") || "id";
    var multiple = select.multiple;
    var optional = !select.required;
    var settings = {
      valueField: "value",
      labelField: "text",
      dataAttr: "data", // data-data, read as dataset.data: each option's 简称 and 编码 (tom-select reads it only when asked)
      searchField: ["text", "aliases", "code", "unit"],
      placeholder: select.getAttribute("data-placeholder") || "",
      maxOptions: 60,
      allowEmptyOption: false,
      hidePlaceholder: !multiple, // a chosen unit stands alone, without the hint beside it
      plugins: multiple ? ["remove_button"] : (optional ? ["clear_button"] : []),
      render: {
        option: optionHtml,
        item: function (data) { return "<div>" + escape(data.text) + "</div>"; },
        option_create: function (data) {
          return '<div class="create">' + escape(select.getAttribute("data-use-typed")) +
            "“" + escape(data.input) + "”</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + escape(select.getAttribute("data-no-results")) + "</div>";
        },
      },
    };
    if (url) {
      settings.shouldLoad = function (query) { return query.length >= 1; };
      settings.load = function (query, callback) {
        var join = url.indexOf("?") >= 0 ? "&" : "?";
        fetch(url + join + "q=" + encodeURIComponent(query) + "&limit=60", {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (payload) { callback(remoteRows(payload, valueField)); })
          .catch(function () { callback(); });
      };
    }
    if (typed) {
      // one value, and what was typed is kept as typed (the form resolves codes, names, paths)
      settings.maxItems = 1;
      settings.create = true;
      settings.createOnBlur = true;
      settings.persist = false;
      settings.plugins = optional ? ["clear_button"] : [];
    }
    new window.TomSelect(select, settings);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.TomSelect !== "function") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), enhance);
  });
  // forms swapped in by htmx get their pickers too
  document.addEventListener("htmx:afterSettle", function (event) {
    if (typeof window.TomSelect !== "function") { return; }
    Array.prototype.forEach.call(event.target.querySelectorAll("[data-picker]"), enhance);
  });
})();
