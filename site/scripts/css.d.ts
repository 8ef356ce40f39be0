// Stylesheets imported by site scripts are bundled by Astro (Vite), not by TypeScript.
declare module '*.css';
