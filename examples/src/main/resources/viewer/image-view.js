// The image view: one series, one rendered image at a time from WADO-RS .../rendered, with
// scrolling, window/level (re-rendered by the server) and zoom (in the browser).

import { request } from './http.js';

const $ = (id) => document.getElementById(id);
const CACHE_SIZE = 48;

export class ImageView {
  constructor() {
    this.canvas = $('image-canvas');
    this.cache = new Map(); // url -> ImageBitmap
    this.wireControls();
  }

  /** Opens a series: {wado, studyUid, seriesUid, instances: [uid], title, token, color, window}. */
  async open(series) {
    this.series = series;
    this.index = Math.floor(series.instances.length / 2);
    this.zoom = 0; // 0 = fit
    this.window = null;
    this.defaultWindow = null;
    this.fallbackWindow = { center: 128, width: 256 };
    this.clearCache();
    $('view-title').textContent = series.title;
    $('slider').max = String(series.instances.length);
    $('image-view').hidden = false;
    this.status('');
    this.fitCanvas();
    await this.loadDefaultWindow();
    await this.show();
  }

  close() {
    $('image-view').hidden = true;
    this.series = null;
    this.clearCache();
  }

  clearCache() {
    for (const bitmap of this.cache.values()) bitmap.close?.();
    this.cache.clear();
  }

  status(text, bad = false) {
    const el = $('view-status');
    el.hidden = !text;
    el.textContent = text;
    el.classList.toggle('bad', bad);
  }

  /** The window the series' first instance carries (DICOM JSON metadata), for W/L to start from. */
  async loadDefaultWindow() {
    const s = this.series;
    const wlInputs = [$('wc'), $('ww'), $('wl-reset')];
    try {
      const response = await request(`${s.wado}/studies/${s.studyUid}/series/${s.seriesUid}/metadata`, {
        token: s.token, accept: 'application/dicom+json', onWaiting: (sec) => this.waiting(sec),
      });
      const first = (await response.json())[0] || {};
      const value = (tag) => first[tag]?.Value?.[0];
      const photometric = value('00280004') || '';
      this.color = !photometric.startsWith('MONOCHROME');
      const center = Number(value('00281050'));
      const width = Number(value('00281051'));
      if (Number.isFinite(center) && Number.isFinite(width) && width >= 1) this.defaultWindow = { center, width };
      const bits = Number(value('00280101')) || 8;
      const slope = Number(value('00281053') ?? 1) || 1;
      const intercept = Number(value('00281052') ?? 0) || 0;
      // no window in the image: start dragging from its whole stored range
      this.fallbackWindow = { center: intercept + slope * 2 ** (bits - 1), width: slope * 2 ** bits };
    } catch (e) {
      this.color = false; // W/L still works from the values the user types
    }
    wlInputs.forEach((el) => { el.disabled = this.color; });
    this.updateWindowInputs();
  }

  updateWindowInputs() {
    const w = this.window || this.defaultWindow;
    $('wc').value = w ? Math.round(w.center) : '';
    $('ww').value = w ? Math.round(w.width) : '';
  }

  waiting(seconds) {
    if (seconds > 0) this.status(`Retrieving images from the archive… trying again in ${seconds} s.`);
    else this.status('');
  }

  renderedUrl(i) {
    const s = this.series;
    let url = `${s.wado}/studies/${s.studyUid}/series/${s.seriesUid}/instances/${s.instances[i]}/rendered`;
    if (this.window) url += `?window=${Math.round(this.window.center)},${Math.max(1, Math.round(this.window.width))},linear`;
    return url;
  }

  async bitmap(i) {
    const url = this.renderedUrl(i);
    if (this.cache.has(url)) return this.cache.get(url);
    const response = await request(url, {
      token: this.series.token, accept: 'image/png', onWaiting: (sec) => this.waiting(sec),
    });
    const bitmap = await createImageBitmap(await response.blob());
    this.cache.set(url, bitmap);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      this.cache.get(oldest).close?.();
      this.cache.delete(oldest);
    }
    return bitmap;
  }

  async show() {
    if (!this.series) return;
    const i = this.index;
    $('slider').value = String(i + 1);
    $('position').textContent = `${i + 1} / ${this.series.instances.length}`;
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    try {
      const bitmap = await this.bitmap(i);
      if (ticket !== this.ticket || !this.series) return; // a newer request won
      this.current = bitmap;
      this.draw();
      this.canvas.dataset.drawn = this.series.instances[i];
      this.prefetch(i + 1);
    } catch (e) {
      if (ticket === this.ticket) this.status(e.message, true);
    }
  }

  prefetch(i) {
    if (this.series && i < this.series.instances.length) this.bitmap(i).catch(() => {});
  }

  fitCanvas() {
    const rect = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.floor(rect.width));
    this.canvas.height = Math.max(1, Math.floor(rect.height));
  }

  draw() {
    const bitmap = this.current;
    if (!bitmap) return;
    const ctx = this.canvas.getContext('2d');
    const { width, height } = this.canvas;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    const fit = Math.min(width / bitmap.width, height / bitmap.height);
    const scale = this.zoom || fit;
    const w = bitmap.width * scale;
    const h = bitmap.height * scale;
    ctx.imageSmoothingEnabled = scale < 2;
    ctx.drawImage(bitmap, (width - w) / 2, (height - h) / 2, w, h);
    $('zoom-level').textContent = `${Math.round(scale * 100)}%`;
  }

  step(delta) {
    if (!this.series) return;
    const next = Math.min(this.series.instances.length - 1, Math.max(0, this.index + delta));
    if (next !== this.index) {
      this.index = next;
      this.show();
    }
  }

  setZoom(factor) {
    if (!this.current) return;
    const fit = Math.min(this.canvas.width / this.current.width, this.canvas.height / this.current.height);
    this.zoom = factor === 0 ? 0 : Math.min(16, Math.max(0.1, (this.zoom || fit) * factor));
    this.draw();
  }

  setWindow(center, width) {
    if (this.color || !Number.isFinite(center) || !Number.isFinite(width)) return;
    this.window = { center, width: Math.max(1, width) };
    this.updateWindowInputs();
    clearTimeout(this.windowTimer);
    this.windowTimer = setTimeout(() => this.show(), 120);
  }

  wireControls() {
    $('close-view').addEventListener('click', () => this.close());
    $('prev').addEventListener('click', () => this.step(-1));
    $('next').addEventListener('click', () => this.step(1));
    $('slider').addEventListener('input', (e) => { this.index = Number(e.target.value) - 1; this.show(); });
    $('zoom-in').addEventListener('click', () => this.setZoom(1.25));
    $('zoom-out').addEventListener('click', () => this.setZoom(0.8));
    $('zoom-fit').addEventListener('click', () => this.setZoom(0));
    $('wl-reset').addEventListener('click', () => { this.window = null; this.updateWindowInputs(); this.show(); });
    const typed = () => {
      const current = this.window || this.defaultWindow || this.fallbackWindow;
      const center = $('wc').value === '' ? current.center : Number($('wc').value);
      const width = $('ww').value === '' ? current.width : Number($('ww').value);
      this.setWindow(center, width);
    };
    $('wc').addEventListener('change', typed);
    $('ww').addEventListener('change', typed);
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      if (e.ctrlKey) this.setZoom(e.deltaY < 0 ? 1.1 : 0.9);
      else this.step(e.deltaY > 0 ? 1 : -1);
    }, { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => {
      if (this.color) return;
      const start = this.window || this.defaultWindow || this.fallbackWindow;
      const x0 = e.clientX;
      const y0 = e.clientY;
      this.canvas.setPointerCapture(e.pointerId);
      const move = (m) => {
        const sensitivity = Math.max(1, start.width / 256);
        this.setWindow(start.center + (m.clientY - y0) * sensitivity, start.width + (m.clientX - x0) * sensitivity);
      };
      const up = () => {
        this.canvas.removeEventListener('pointermove', move);
        this.canvas.removeEventListener('pointerup', up);
      };
      this.canvas.addEventListener('pointermove', move);
      this.canvas.addEventListener('pointerup', up);
    });
    document.addEventListener('keydown', (e) => {
      if ($('image-view').hidden || e.target.tagName === 'INPUT') return;
      if (e.key === 'ArrowDown' || e.key === 'PageDown') this.step(1);
      else if (e.key === 'ArrowUp' || e.key === 'PageUp') this.step(-1);
      else if (e.key === '+' || e.key === '=') this.setZoom(1.25);
      else if (e.key === '-') this.setZoom(0.8);
      else if (e.key === '0') this.setZoom(0);
      else if (e.key === 'Escape') this.close();
      else return;
      e.preventDefault();
    });
    window.addEventListener('resize', () => { if (this.series) { this.fitCanvas(); this.draw(); } });
  }
}
