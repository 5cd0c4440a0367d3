// A PNG of a load sweep: achieved throughput and p99 latency against offered load, drawn by
// Chart.js on a Skia canvas (@napi-rs/canvas ships its binary in an npm package: no browser).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartItem } from 'chart.js';

Chart.register(...registerables);

export interface SweepPoint {
  readonly offered: number;
  readonly achieved: number;
  readonly p99: number;
}

export function plotSweep(path: string, title: string, points: readonly SweepPoint[]): void {
  const width = 1000;
  const height = 600;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = 'white';
  context.fillRect(0, 0, width, height);
  const xy = (pick: (p: SweepPoint) => number): { x: number; y: number }[] =>
    points.map((p) => ({ x: p.offered, y: pick(p) }));
  // Chart.js draws on anything shaped like a 2D context; Skia's context is one.
  const chart = new Chart(context as ChartItem, {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'achieved ballots/s (201)',
          data: xy((p) => p.achieved),
          borderColor: '#1f77b4',
          backgroundColor: '#1f77b4',
          yAxisID: 'throughput',
        },
        {
          label: 'offered = achieved',
          data: xy((p) => p.offered),
          borderColor: '#999999',
          borderDash: [6, 4],
          pointRadius: 0,
          yAxisID: 'throughput',
        },
        {
          label: 'p99 POST→201, ms',
          data: xy((p) => p.p99),
          borderColor: '#d62728',
          backgroundColor: '#d62728',
          yAxisID: 'latency',
        },
      ],
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: title } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'offered load, ballots/s' } },
        throughput: {
          type: 'linear',
          position: 'left',
          beginAtZero: true,
          title: { display: true, text: 'ballots/s' },
        },
        latency: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'p99, ms' },
        },
      },
    },
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, canvas.toBuffer('image/png'));
  chart.destroy();
}
