// 一张图: draws the area's boundaries (ECharts registerMap) shaded by completion rate, the cases
// as points coloured by state (or server-side bins at city/province scale), and the layers the
// user switches on. Everything comes from /api/map/ and /api/map/boundaries/; nothing is fetched
// from outside the system. A click on a place opens its case list, on a point its card.
(function () {
  "use strict";
  var page = document.getElementById("map-page");
  var node = document.getElementById("map-canvas");
  if (!page || !node || typeof echarts === "undefined") return;

  var chart = echarts.init(node, null, { renderer: "canvas" });
  var status = document.getElementById("map-status");
  var state = { data: null, shapes: null, hiddenStates: {}, layers: { overdue: true }, labels: {} };
  var OVERLAY_STYLE = {
    overdue: { colour: "#dc3545", symbol: "circle", size: 13 },
    relapse: { colour: "#6f42c1", symbol: "diamond", size: 14 },
    quasi: { colour: "#8b4513", symbol: "rect", size: 12 },
    sample: { colour: "#0dcaf0", symbol: "triangle", size: 14 }
  };
  var EXTRA_LAYERS = [
    { key: "tips", label: "举报", colour: "#d63384", symbol: "pin" },
    { key: "inspections", label: "近30天检查", colour: "#20c997", symbol: "rect" },
    { key: "power_alerts", label: "用电异常", colour: "#ffc107", symbol: "triangle", kind: "power_alert" }
  ];

  function query(extra) {
    var params = new URLSearchParams(window.location.search);
    if (page.dataset.region) params.set("region", page.dataset.region);
    Object.keys(extra || {}).forEach(function (key) {
      if (extra[key]) params.set(key, extra[key]); else params.delete(key);
    });
    return params.toString();
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            throw new Error(body.detail || ("加载失败（" + response.status + "）"));
          });
        }
        return response.json();
      });
  }

  function toggle(container, key, label, colour, checked, onChange) {
    var id = "map-toggle-" + key;
    var wrap = document.createElement("div");
    wrap.className = "form-check form-check-inline m-0";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.className = "form-check-input";
    input.id = id;
    input.checked = checked;
    input.addEventListener("change", function () { onChange(input.checked); });
    var text = document.createElement("label");
    text.className = "form-check-label";
    text.htmlFor = id;
    var swatch = document.createElement("span");
    swatch.className = "map-swatch";
    swatch.style.backgroundColor = colour;
    text.appendChild(swatch);
    text.appendChild(document.createTextNode(label));
    wrap.appendChild(input);
    wrap.appendChild(text);
    container.appendChild(wrap);
  }

  function buildToggles(data) {
    var states = document.getElementById("map-state-toggles");
    var layers = document.getElementById("map-layer-toggles");
    if (states.childElementCount) return;
    data.states.forEach(function (s, index) {
      toggle(states, "state-" + s.key, s.label, s.colour, true, function (on) {
        state.hiddenStates[index] = !on;
        draw();
      });
    });
    data.layers.forEach(function (layer) {
      toggle(layers, layer.key, layer.label, OVERLAY_STYLE[layer.key].colour, !!state.layers[layer.key], function (on) {
        state.layers[layer.key] = on;
        draw();
      });
    });
    EXTRA_LAYERS.forEach(function (layer) {
      toggle(layers, layer.key, layer.label, layer.colour, !!state.layers[layer.key], function (on) {
        state.layers[layer.key] = on;
        draw();
      });
    });
  }

  function percent(rate) { return rate === null || rate === undefined ? "—" : rate + "%"; }

  function fillSide(data) {
    var totals = data.totals;
    document.getElementById("map-totals").textContent =
      "总数 " + totals.total + " 件，已销号 " + totals.closed + " 件，完成率 " + percent(totals.rate) + "，逾期 " + totals.overdue + " 件";
    var unlocated = document.getElementById("map-unlocated");
    unlocated.textContent = "未定位 " + data.unlocated.count + " 家";
    unlocated.href = data.unlocated.url;
    document.getElementById("map-mode").textContent = data.mode === "bins"
      ? "企业较多，按网格汇总显示（放大后显示单个企业）。"
      : "共显示 " + data.cases.rows.length + " 个企业点位。";
    var body = document.querySelector("#map-regions tbody");
    body.textContent = "";
    data.regions.forEach(function (region) {
      var row = document.createElement("tr");
      var name = document.createElement("td");
      var link = document.createElement("a");
      link.href = region.url;
      link.textContent = region.name;
      name.appendChild(link);
      row.appendChild(name);
      [region.total, region.closed, percent(region.rate), region.overdue].forEach(function (value, index) {
        var cell = document.createElement("td");
        cell.className = "text-end" + (index === 3 && value ? " text-danger" : "");
        cell.textContent = value;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  function regionSeries(data) {
    var byCode = {};
    data.regions.forEach(function (r) { byCode[r.code] = r; });
    var values = data.regions.map(function (r) {
      return { name: r.code, value: r.rate === null ? "-" : r.rate, figures: r };
    });
    return {
      type: "map", geoIndex: 0, name: "完成率", data: values,
      tooltip: {
        formatter: function (params) {
          var r = byCode[params.name];
          if (!r) return state.labels[params.name] || "";
          return r.name + "<br>总数 " + r.total + "，已销号 " + r.closed + "<br>完成率 " + percent(r.rate) + "，逾期 " + r.overdue;
        }
      }
    };
  }

  function pointSeries(data) {
    var series = [];
    var rows = data.cases.rows;
    var bitOf = {};
    data.layers.forEach(function (layer) { bitOf[layer.key] = layer.bit; });
    if (data.mode === "points") {
      data.states.forEach(function (s, index) {
        series.push({
          type: "scatter", coordinateSystem: "geo", name: s.label, kind: "case",
          symbolSize: 7, itemStyle: { color: s.colour, borderColor: "#fff", borderWidth: 0.5 },
          data: state.hiddenStates[index] ? [] : rows.filter(function (p) { return p[3] === index; })
            .map(function (p) { return { value: [p[1], p[2]], id: p[0] }; }),
          tooltip: { formatter: function () { return s.label + "（点击查看）"; } },
          zlevel: 1
        });
      });
      data.layers.forEach(function (layer) {
        if (!state.layers[layer.key]) return;
        var style = OVERLAY_STYLE[layer.key];
        series.push({
          type: "scatter", coordinateSystem: "geo", name: layer.label, kind: "case",
          symbol: style.symbol, symbolSize: style.size,
          itemStyle: { color: "rgba(0,0,0,0)", borderColor: style.colour, borderWidth: 2 },
          data: rows.filter(function (p) { return p[4] & bitOf[layer.key] && !state.hiddenStates[p[3]]; })
            .map(function (p) { return { value: [p[1], p[2]], id: p[0] }; }),
          tooltip: { formatter: function () { return layer.label + "（点击查看）"; } },
          zlevel: 2
        });
      });
      EXTRA_LAYERS.forEach(function (layer) {
        if (!state.layers[layer.key]) return;
        series.push({
          type: "scatter", coordinateSystem: "geo", name: layer.label, kind: layer.kind || (layer.key === "tips" ? "tip" : "inspection"),
          symbol: layer.symbol, symbolSize: layer.key === "tips" ? 16 : 8,
          itemStyle: { color: layer.colour },
          data: data[layer.key].rows.map(function (p) { return { value: [p[1], p[2]], id: p[0] }; }),
          tooltip: { formatter: function () { return layer.label + "（点击查看）"; } },
          zlevel: 3
        });
      });
      return series;
    }
    // Bins: a circle per grid cell sized by its count, coloured by the share already closed.
    var fields = data.cases.fields;
    var max = rows.reduce(function (m, b) { return Math.max(m, b[2]); }, 1);
    var shown = rows.map(function (b) {
      var count = 0;
      data.states.forEach(function (s, index) { if (!state.hiddenStates[index]) count += b[3 + index]; });
      return { value: [b[0], b[1], count], bin: b };
    }).filter(function (d) { return d.value[2] > 0; });
    series.push({
      type: "scatter", coordinateSystem: "geo", name: "企业（汇总）", kind: "bin",
      symbolSize: function (value) {
        // Never wider than the grid cell, so neighbouring bins stay apart.
        var a = chart.convertToPixel({ geoIndex: 0 }, [value[0], value[1]]);
        var b = chart.convertToPixel({ geoIndex: 0 }, [value[0] + data.cell, value[1]]);
        var cellPx = a && b ? Math.abs(b[0] - a[0]) : 30;
        return Math.max(6, Math.min(cellPx * 0.95, 8 + 22 * Math.sqrt(value[2] / max)));
      },
      label: { show: true, formatter: function (p) { return p.value[2]; }, fontSize: 9, color: "#fff" },
      itemStyle: { opacity: 0.85 },
      // Green where at least half is closed, orange elsewhere; a red ring (逾期 on) where any is overdue.
      data: shown.map(function (d) {
        var b = d.bin, overdue = b[fields.indexOf("overdue")];
        d.itemStyle = {
          color: b[fields.indexOf("closed")] * 2 >= b[2] ? "#198754" : "#fd7e14",
          borderColor: state.layers.overdue && overdue ? "#dc3545" : "#fff",
          borderWidth: state.layers.overdue && overdue ? 2 : 1
        };
        return d;
      }),
      tooltip: {
        formatter: function (p) {
          var b = p.data.bin;
          return "本格企业 " + b[2] + " 家<br>" + data.states.map(function (s, i) { return s.label + " " + b[3 + i]; }).join("，") +
            "<br>逾期 " + b[fields.indexOf("overdue")] + "，反弹 " + b[fields.indexOf("relapse")] + "（点击放大）";
        }
      },
      zlevel: 1
    });
    EXTRA_LAYERS.forEach(function (layer) {
      if (!state.layers[layer.key]) return;
      series.push({
        type: "scatter", coordinateSystem: "geo", name: layer.label, kind: "bin",
        symbol: layer.symbol, symbolSize: 14, itemStyle: { color: layer.colour },
        data: data[layer.key].rows.map(function (b) { return { value: [b[0], b[1], b[2]] }; }),
        tooltip: { formatter: function (p) { return layer.label + " " + p.value[2]; } },
        zlevel: 3
      });
    });
    return series;
  }

  function draw() {
    var data = state.data;
    if (!data || !state.registered) return;
    var rates = data.regions.map(function (r) { return r.rate; }).filter(function (r) { return r !== null; });
    var regionsStyle = state.shapes.features.filter(function (f) { return f.properties.role !== "child"; })
      .map(function (f) {
        return {
          name: f.properties.name, silent: true,
          itemStyle: f.properties.role === "frame"
            ? { areaColor: "rgba(0,0,0,0)", borderColor: "rgba(0,0,0,0)", borderWidth: 0 }
            : f.properties.role === "area"
            ? { areaColor: "rgba(0,0,0,0)", borderColor: "#495057", borderWidth: 2.5 }
            : { areaColor: "rgba(0,0,0,0)", borderColor: "rgba(73,80,87,0.35)", borderWidth: 0.5 },
          label: { show: false }
        };
      });
    var view = chart.getOption() && chart.getOption().geo ? chart.getOption().geo[0] : null;
    var narrow = chart.getWidth() < 576;
    chart.setOption({
      tooltip: { trigger: "item", confine: true },
      geo: {
        map: "qingling-area", roam: true, nameProperty: "name", aspectScale: aspect(),
        top: 8, bottom: narrow ? 36 : 8, left: 8, right: 8,
        center: view ? view.center : undefined, zoom: view ? view.zoom : 1,
        label: { show: true, fontSize: 10, color: "#343a40", formatter: function (p) {
          var f = state.labels[p.name];
          return f && state.childCodes[p.name] ? f : "";
        } },
        itemStyle: { areaColor: data.tiles ? "rgba(241,243,245,0.2)" : "#f1f3f5", borderColor: "#868e96", borderWidth: 1, opacity: data.tiles ? 0.75 : 1 },
        emphasis: { itemStyle: { areaColor: "#ffe08a" }, label: { show: true } },
        regions: regionsStyle
      },
      // On a phone the scale lies under the map, not over it.
      visualMap: {
        type: "continuous", min: 0, max: 100, seriesIndex: 0, calculable: false,
        text: ["完成率 100%", "0%"], inRange: { color: ["#f8d7da", "#fff3cd", "#d1e7dd", "#75b798"] },
        orient: narrow ? "horizontal" : "vertical", left: narrow ? "center" : 8, bottom: narrow ? 2 : 8,
        itemHeight: 80, itemWidth: 10, textStyle: { fontSize: 10 },
        show: rates.length > 0
      },
      series: [regionSeries(data)].concat(pointSeries(data))
    }, { replaceMerge: ["series"] });
  }

  // Degrees of longitude shrink with latitude: draw the area true to shape.
  function aspect() {
    var box = state.shapes && state.shapes.bbox;
    return box ? Math.cos(((box[1] + box[3]) / 2) * Math.PI / 180) : 0.75;
  }

  function viewBox() {
    var width = chart.getWidth(), height = chart.getHeight();
    var a = chart.convertFromPixel({ geoIndex: 0 }, [0, height]);
    var b = chart.convertFromPixel({ geoIndex: 0 }, [width, 0]);
    if (!a || !b) return "";
    var west = Math.max(-180, Math.min(a[0], b[0])), east = Math.min(180, Math.max(a[0], b[0]));
    var south = Math.max(-90, Math.min(a[1], b[1])), north = Math.min(90, Math.max(a[1], b[1]));
    return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function load(bbox) {
    status.textContent = "正在加载…";
    return getJson(page.dataset.apiUrl + "?" + query({ bbox: bbox })).then(function (data) {
      state.data = data;
      buildToggles(data);
      fillSide(data);
      draw();
      status.textContent = "";
      var print = document.getElementById("map-print");
      print.href = page.dataset.wallUrl + "?" + query({ bbox: bbox });
    }).catch(function (error) { status.textContent = error.message; });
  }

  // The optional tile layer (QINGLING_MAP_TILES_URL): XYZ/WMTS tiles as <img>s under the canvas,
  // each placed by converting its corners to pixels, so the Web Mercator tiles line up with the
  // map's own projection tile by tile. Coordinates arrive in the tiles' system (maps.tiles).
  var tileLayer = null;
  function tileUrl(template, z, x, y) {
    return template.replace("{z}", z).replace("{x}", x).replace("{y}", y)
      .replace("{TileMatrix}", z).replace("{TileCol}", x).replace("{TileRow}", y);
  }
  function tileLon(x, z) { return x / Math.pow(2, z) * 360 - 180; }
  function tileLat(y, z) {
    var n = Math.PI - 2 * Math.PI * y / Math.pow(2, z);
    return 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)));
  }
  function drawTiles() {
    var tiles = state.data && state.data.tiles;
    if (!tiles) return;
    if (!tileLayer) {
      tileLayer = document.createElement("div");
      tileLayer.className = "map-tiles";
      node.parentNode.insertBefore(tileLayer, node);
      if (tiles.attribution) {
        var note = document.createElement("div");
        note.className = "map-attribution small text-muted";
        note.textContent = tiles.attribution;
        node.parentNode.appendChild(note);
      }
    }
    var box = viewBox().split(",").map(Number);
    if (box.length !== 4 || isNaN(box[0])) return;
    var perDegree = chart.getWidth() / (box[2] - box[0]);
    var z = Math.max(1, Math.min(tiles.max_zoom || 18, Math.round(Math.log(perDegree * 360 / 256) / Math.LN2)));
    var n = Math.pow(2, z);
    var x0 = Math.floor((box[0] + 180) / 360 * n), x1 = Math.floor((box[2] + 180) / 360 * n);
    function row(lat) {
      var r = lat * Math.PI / 180;
      return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
    }
    var y0 = row(box[3]), y1 = row(box[1]);
    tileLayer.textContent = "";
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 400) return;
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var a = chart.convertToPixel({ geoIndex: 0 }, [tileLon(x, z), tileLat(y, z)]);
        var b = chart.convertToPixel({ geoIndex: 0 }, [tileLon(x + 1, z), tileLat(y + 1, z)]);
        if (!a || !b) continue;
        var img = document.createElement("img");
        img.alt = "";
        img.src = tileUrl(tiles.url, z, x, y);
        img.style.left = a[0] + "px";
        img.style.top = a[1] + "px";
        img.style.width = (b[0] - a[0] + 0.5) + "px";
        img.style.height = (b[1] - a[1] + 0.5) + "px";
        tileLayer.appendChild(img);
      }
    }
  }
  chart.on("finished", function () { if (state.data && state.data.tiles) drawTiles(); });

  var card = document.getElementById("map-card");
  function showCard(kind, id) {
    getJson(page.dataset.cardUrl + kind + "/" + id + "/").then(function (info) {
      document.getElementById("map-card-title").textContent = info.title;
      var body = document.querySelector("#map-card-rows tbody");
      body.textContent = "";
      info.rows.forEach(function (pair) {
        var row = document.createElement("tr");
        pair.forEach(function (text, index) {
          var cell = document.createElement(index ? "td" : "th");
          cell.textContent = text;
          row.appendChild(cell);
        });
        body.appendChild(row);
      });
      var link = document.getElementById("map-card-link");
      link.href = info.url;
      link.textContent = info.link;
      card.classList.remove("d-none");
    }).catch(function (error) { status.textContent = error.message; });
  }
  document.getElementById("map-card-close").addEventListener("click", function () { card.classList.add("d-none"); });

  chart.on("click", function (params) {
    if (params.seriesType === "map") {
      var region = state.data && state.data.regions.filter(function (r) { return r.code === params.name; })[0];
      if (region) window.location.href = region.url;
      return;
    }
    var series = chart.getOption().series[params.seriesIndex];
    if (series.kind === "bin") {
      chart.setOption({ geo: { center: [params.value[0], params.value[1]], zoom: (chart.getOption().geo[0].zoom || 1) * 3 } });
      reload();
    } else if (params.data && params.data.id) {
      showCard(series.kind, params.data.id);
    }
  });

  var timer = null;
  function reload() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (state.data && (state.data.mode === "bins" || state.data.area.level < 3)) load(viewBox());
    }, 400);
  }
  chart.on("georoam", reload);
  window.addEventListener("resize", function () { chart.resize(); });

  getJson(page.dataset.boundariesUrl + "?" + query({})).then(function (shapes) {
    state.shapes = shapes;
    state.childCodes = {};
    shapes.features.forEach(function (f) {
      state.labels[f.properties.name] = f.properties.label;
      if (f.properties.role === "child") state.childCodes[f.properties.name] = true;
    });
    if (shapes.features.length) {
      echarts.registerMap("qingling-area", shapes);
      state.registered = true;
      return load("");
    }
    // No boundary uploaded yet: an invisible frame around the points stands in for it.
    return load("").then(function () {
      var rows = (state.data && state.data.cases.rows) || [];
      var i = state.data && state.data.mode === "points" ? 1 : 0;
      var lons = rows.map(function (r) { return r[i]; }), lats = rows.map(function (r) { return r[i + 1]; });
      var w = lons.length ? Math.min.apply(null, lons) - 0.05 : 73, e = lons.length ? Math.max.apply(null, lons) + 0.05 : 135;
      var s = lats.length ? Math.min.apply(null, lats) - 0.05 : 18, n = lats.length ? Math.max.apply(null, lats) + 0.05 : 54;
      shapes.bbox = [w, s, e, n];
      shapes.features = [{ type: "Feature", properties: { name: "frame", label: "", role: "frame" },
        geometry: { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } }];
      echarts.registerMap("qingling-area", shapes);
      state.registered = true;
      draw();
      status.textContent = "本区域尚未上传边界，仅显示点位（管理员可在后台上传行政区划边界）。";
    });
  }).catch(function (error) { status.textContent = error.message; });
})();
