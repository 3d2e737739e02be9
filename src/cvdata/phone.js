/* cvdata: the charts on a phone (inlined once per page by cvdata.page.Page.plot_html).
   Below PHONE pixels wide each chart reflows: the row labels of a bar chart go above their
   bars (the bars get the whole width), legends go below the plot in rows, the value axes
   get fewer ticks, and a tap shows what a hover shows (no dragging to zoom). Wider again,
   the chart gets its own layout back. Nothing is fetched. */
(function () {
  "use strict";
  var PHONE = 600;
  var LINE = 13; // pixels a line of a label takes at the phone's font size
  var FONT = 11;

  function copy(x) {
    return JSON.parse(JSON.stringify(x || {}));
  }

  function lines(text) {
    return String(text).split(/<br\s*\/?>/i).length;
  }

  // The labelled rows of a y axis: its tick values and texts (the timeline), or its
  // categories (the bar charts).
  function rowsOf(gd, name) {
    var full = gd._fullLayout[name];
    if (!full || full.showticklabels === false) return null;
    if (Array.isArray(full.tickvals) && Array.isArray(full.ticktext) && full.tickvals.length) {
      return full.tickvals.map(function (v, i) {
        return { y: v, text: full.ticktext[i] };
      });
    }
    if (full.type === "category" && full._categories && full._categories.length) {
      return full._categories.map(function (c) {
        return { y: c, text: c };
      });
    }
    return null;
  }

  function phoneLayout(gd, wide) {
    var lay = copy(wide);
    var full = gd._fullLayout;
    lay.dragmode = false; // a tap is a hover, a swipe scrolls the page
    lay.hovermode = "closest";
    lay.margin = Object.assign({}, lay.margin, { l: 8, r: 8 });
    lay.annotations = (lay.annotations || []).slice();
    var extra = 0;
    Object.keys(full).forEach(function (name) {
      if (/^xaxis\d*$/.test(name)) {
        lay[name] = Object.assign({}, lay[name], { nticks: 4, automargin: true });
      }
      if (!/^yaxis\d*$/.test(name)) return;
      var rows = rowsOf(gd, name);
      var ax = full[name];
      if (!rows) return;
      var anchor = ax.anchor && ax.anchor !== "free" ? ax.anchor : "x";
      var band = (ax._length || 1) / Math.max(rows.length, 1);
      var most = rows.reduce(function (m, r) {
        return Math.max(m, lines(r.text));
      }, 1);
      // Each row keeps its bar and gains room for its label's lines above it.
      extra += rows.length * Math.max(0, most * LINE + 6 - band * 0.45);
      lay[name] = Object.assign({}, lay[name], { showticklabels: false, automargin: true });
      rows.forEach(function (r) {
        lay.annotations.push({
          xref: anchor + " domain",
          x: 0,
          xanchor: "left",
          yref: name.replace("axis", ""),
          y: r.y,
          yanchor: "bottom",
          yshift: 3,
          align: "left",
          showarrow: false,
          text: r.text,
          font: { size: FONT },
          bgcolor: "rgba(255,255,255,0.85)",
          cvdataPhone: true,
        });
      });
    });
    if (extra > 0) {
      lay.height = Math.round((wide.height || full.height) + extra);
      lay.bargap = 0.55; // the bar in the lower part of its row, the label above it
    }
    Object.keys(full).forEach(function (name) {
      if (!/^legend\d*$/.test(name) || !full[name]) return;
      lay[name] = Object.assign({}, lay[name], {
        orientation: "h",
        x: 0,
        xanchor: "left",
        font: { size: FONT },
      });
    });
    // Annotations (notes, panel titles) wrap inside the width rather than run off it.
    lay.annotations = lay.annotations.map(function (a) {
      if (a.cvdataPhone) {
        delete a.cvdataPhone;
        return a;
      }
      return Object.assign({}, a, { font: Object.assign({}, a.font, { size: FONT }) });
    });
    if (lay.title && typeof lay.title === "object") {
      lay.title = Object.assign({}, lay.title, { font: { size: 13 } });
    }
    return lay;
  }

  function fit(gd) {
    if (!gd._fullLayout || !window.Plotly) return;
    var phone = gd.clientWidth > 0 && gd.clientWidth < PHONE;
    if (phone === gd._cvdataPhone) return;
    if (!gd._cvdataWide) gd._cvdataWide = copy(gd.layout);
    gd._cvdataPhone = phone;
    var layout = phone ? phoneLayout(gd, gd._cvdataWide) : copy(gd._cvdataWide);
    window.Plotly.react(gd, gd.data, layout, gd._context);
  }

  function fitAll() {
    document.querySelectorAll(".cvdata-plot .js-plotly-plot").forEach(fit);
  }

  var waiting = null;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(fitAll, 150);
  });
  // After the charts are drawn (each inline script draws its own as the page is parsed;
  // the dashboard's once it is shown), and again when a hidden tab or card is shown.
  window.addEventListener("load", function () {
    fitAll();
    document.addEventListener("shown.bs.tab", fitAll);
    setTimeout(fitAll, 500);
  });
})();
