// Single-file Vue components, as the theme imports them (their scripts are checked by the build).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent<object, object, unknown>;
  export default component;
}
