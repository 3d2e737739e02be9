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
  var MAX_SCALE = 1.5; // how much taller a chart of dated rows may grow for its labels
  var BAR = 16; // a bar's thickness on a phone, its label above it

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

  // The thickest horizontal bar on a y axis, in pixels (0 when it has none).
  function barPx(gd, name, ax) {
    var id = name.replace("axis", "");
    var most = 0;
    (gd.calcdata || []).forEach(function (cd) {
      var tr = cd[0] && cd[0].trace;
      if (!tr || tr.type !== "bar" || tr.orientation !== "h" || (tr.yaxis || "y") !== id) return;
      var bw = cd[0].t && cd[0].t.barwidth;
      (Array.isArray(bw) ? bw : [bw]).forEach(function (v) {
        if (isFinite(v)) most = Math.max(most, v);
      });
    });
    return most * Math.abs(ax._m || 0);
  }

  // The usual distance between two rows of an axis (the middle one of the gaps), in pixels.
  function spacing(ax, rows) {
    var ys = rows.map(function (r) { return Number(r.y); }).filter(isFinite).sort(function (a, b) { return a - b; });
    var gaps = [];
    for (var i = 1; i < ys.length; i++) gaps.push((ys[i] - ys[i - 1]) * Math.abs(ax._m || 0));
    gaps.sort(function (a, b) { return a - b; });
    return gaps.length ? gaps[Math.floor(gaps.length / 2)] : ax._length;
  }

  // How each labelled y axis gives its labels room above the bars: the scale the plot
  // needs, the bars' gap (a category axis) and how far above a row's centre its label sits.
  function rowRoom(gd, name, ax, rows) {
    var most = rows.reduce(function (m, r) { return Math.max(m, lines(r.text)); }, 1);
    var label = most * LINE + 4;
    if (ax.type === "category") {
      var band = label + BAR + 6;
      return { scale: (band * rows.length) / ax._length, category: true, label: label };
    }
    var bar = barPx(gd, name, ax);
    var room = spacing(ax, rows);
    // Rows and bars grow together (data units): the gap between two bars must hold a label.
    // (At most half as tall again: a very tall chart is worse than a tight row.)
    var scale = Math.min(MAX_SCALE, Math.max(1, (label + 2) / Math.max(room - bar, 1)));
    return { scale: scale, category: false, bar: bar, label: label };
  }

  function phoneLayout(gd, wide) {
    var lay = copy(wide);
    var full = gd._fullLayout;
    lay.dragmode = false; // a tap is a hover, a swipe scrolls the page
    lay.hovermode = "closest";
    lay.margin = Object.assign({}, lay.margin, { l: 8, r: 8 });
    lay.annotations = (lay.annotations || []).slice();
    var axes = [];
    var scale = 1;
    Object.keys(full).forEach(function (name) {
      if (/^xaxis\d*$/.test(name)) {
        var x = Object.assign({}, lay[name], { nticks: 4, automargin: true });
        if (full[name].type === "date") x.tickangle = 0; // four years fit level
        // Room for the values written after the bars: a phone's width holds less.
        if (Array.isArray(x.range) && outsideText(gd, name)) {
          x.range = [x.range[0], x.range[0] + (x.range[1] - x.range[0]) * 1.8];
        }
        lay[name] = x;
      }
      if (!/^yaxis\d*$/.test(name)) return;
      var rows = rowsOf(gd, name);
      if (!rows) return;
      var ax = full[name];
      var room = rowRoom(gd, name, ax, rows);
      scale = Math.max(scale, room.scale);
      axes.push({ name: name, ax: ax, rows: rows, room: room });
    });
    var plotH = full._size ? full._size.h : full.height;
    if (scale > 1) lay.height = Math.round(full.height + plotH * (scale - 1));
    axes.forEach(function (a) {
      var shift;
      if (a.room.category) {
        var band = (a.ax._length * scale) / a.rows.length;
        lay.bargap = Math.min(0.9, Math.max(0.1, 1 - BAR / band));
        shift = (band * (1 - lay.bargap)) / 2 + 1;
      } else {
        shift = (a.room.bar * scale) / 2 + 1;
        // The top row's label needs room inside the plot too, under the axis labels over
        // it: the axis reaches that much further up (the top is the range's second end).
        var r = a.ax.range;
        if (Array.isArray(r) && a.ax._m) {
          var more = (a.room.label + 4) / (Math.abs(a.ax._m) * scale);
          lay[a.name] = Object.assign({}, lay[a.name], {
            autorange: false,
            range: [r[0], r[1] + (r[1] >= r[0] ? more : -more)],
          });
        }
      }
      var anchor = a.ax.anchor && a.ax.anchor !== "free" ? a.ax.anchor : "x";
      lay[a.name] = Object.assign({}, lay[a.name], { showticklabels: false });
      a.rows.forEach(function (r) {
        lay.annotations.push({
          xref: anchor + " domain",
          x: 0,
          xanchor: "left",
          yref: a.name.replace("axis", ""),
          y: r.y,
          yanchor: "bottom",
          yshift: shift,
          align: "left",
          showarrow: false,
          text: r.text,
          font: { size: FONT },
          cvdataPhone: true,
        });
      });
    });
    Object.keys(full).forEach(function (name) {
      if (!/^legend\d*$/.test(name) || !full[name]) return;
      lay[name] = Object.assign({}, lay[name], {
        orientation: "h",
        x: 0,
        xanchor: "left",
        font: { size: FONT },
      });
    });
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

  // Whether a bar trace on this x axis writes its values outside its bars.
  function outsideText(gd, name) {
    var id = name.replace("axis", "");
    return (gd._fullData || []).some(function (t) {
      return t.type === "bar" && (t.xaxis || "x") === id && t.textposition === "outside";
    });
  }

  // A tap is a click to plotly: show the hover box of what was tapped.
  function tapToHover(gd) {
    if (gd._cvdataTap || !gd.on) return;
    gd._cvdataTap = true;
    gd.on("plotly_click", function (e) {
      var p = (e && e.points) || [];
      if (!p.length || !window.Plotly.Fx) return;
      var subplot = (p[0].xaxis ? p[0].xaxis._id : "x") + (p[0].yaxis ? p[0].yaxis._id : "y");
      var points = p.map(function (q) {
        return { curveNumber: q.curveNumber, pointNumber: q.pointNumber };
      });
      // After the tap's own (emulated) mouse events, which would clear it at once.
      setTimeout(function () {
        window.Plotly.Fx.hover(gd, points, subplot);
      }, 30);
    });
  }

  function fit(gd) {
    if (!gd._fullLayout || !window.Plotly) return;
    tapToHover(gd);
    var phone = gd.clientWidth > 0 && gd.clientWidth < PHONE;
    if (phone === gd._cvdataPhone) return;
    if (!gd._cvdataWide) gd._cvdataWide = copy(gd.layout);
    gd._cvdataPhone = phone;
    var layout = phone ? phoneLayout(gd, gd._cvdataWide) : copy(gd._cvdataWide);
    // plotly's own box around the chart is as tall as the wide chart: it follows.
    var box = gd.parentElement;
    if (box && box.style.height) {
      if (gd._cvdataBoxHeight === undefined) gd._cvdataBoxHeight = box.style.height;
      box.style.height = phone && layout.height ? layout.height + "px" : gd._cvdataBoxHeight;
    }
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
