/** SIGUSR1 asks a running machine to describe its harts (a hung guest can be inspected from outside). */
export function onInspectSignal(inspect: () => void): () => void {
  process.on('SIGUSR1', inspect);
  return () => process.off('SIGUSR1', inspect);
}
