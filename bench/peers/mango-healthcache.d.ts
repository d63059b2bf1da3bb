// The package ships HealthCache's types under dist/types but its code under dist/cjs, and does not
// re-export it from the index: point the deep import at the shipped declarations.
declare module '@blockworks-foundation/mango-v4/dist/cjs/src/accounts/healthCache.js' {
  export * from '@blockworks-foundation/mango-v4/dist/types/src/accounts/healthCache.js';
}
