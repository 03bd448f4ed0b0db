// Stands in for `server-only` under Vitest, which runs outside Next's react-server graph.
export {};
