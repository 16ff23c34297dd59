import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import ActivationPlots from './components/ActivationPlots.vue';
import AdamwDemo from './components/AdamwDemo.vue';
import AttentionAverage from './components/AttentionAverage.vue';
import AttentionHeads from './components/AttentionHeads.vue';
import AttentionMask from './components/AttentionMask.vue';
import AttentionMultiHead from './components/AttentionMultiHead.vue';
import AttentionQkv from './components/AttentionQkv.vue';
import BackpropGraph from './components/BackpropGraph.vue';
import BpeTrainer from './components/BpeTrainer.vue';
import CollapseDemo from './components/CollapseDemo.vue';
import ComposeGpt from './components/ComposeGpt.vue';
import CrossEntropyDemo from './components/CrossEntropyDemo.vue';
import DemoFrame from './components/DemoFrame.vue';
import ForwardPass from './components/ForwardPass.vue';
import LayerShapes from './components/LayerShapes.vue';
import LearningRateDemo from './components/LearningRateDemo.vue';
import LineDemo from './components/LineDemo.vue';
import NeuronDemo from './components/NeuronDemo.vue';
import ParamCounter from './components/ParamCounter.vue';
import PlaygroundDemo from './components/PlaygroundDemo.vue';
import RunnableCode from './components/RunnableCode.vue';
import SoftmaxDemo from './components/SoftmaxDemo.vue';
import TokenIds from './components/TokenIds.vue';
import TokenQuirks from './components/TokenQuirks.vue';
import TokenViews from './components/TokenViews.vue';
import TrainGpt from './components/TrainGpt.vue';
import UpdateTable from './components/UpdateTable.vue';
import WeightedSum from './components/WeightedSum.vue';
import WhyDemo from './components/WhyDemo.vue';
import WhyTokenQuirks from './components/WhyTokenQuirks.vue';
import './custom.css';

// Every demo is used inside <ClientOnly> and loads @dendrite/* in onMounted, so the pre-rendering
// (SSR) build never runs tensor code or touches a browser API.
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('DemoFrame', DemoFrame);
    // Wraps a code sample's include: rendered on the server with the highlighted code, it loads
    // nothing until mounted and runs samples in a Web Worker only when asked.
    app.component('RunnableCode', RunnableCode);
    const demos = {
      ActivationPlots,
      AdamwDemo,
      AttentionAverage,
      AttentionHeads,
      AttentionMask,
      AttentionMultiHead,
      AttentionQkv,
      BackpropGraph,
      BpeTrainer,
      CollapseDemo,
      ComposeGpt,
      CrossEntropyDemo,
      ForwardPass,
      LayerShapes,
      LearningRateDemo,
      LineDemo,
      NeuronDemo,
      ParamCounter,
      PlaygroundDemo,
      SoftmaxDemo,
      TokenIds,
      TokenQuirks,
      TokenViews,
      WhyTokenQuirks,
      TrainGpt,
      UpdateTable,
      WeightedSum,
      WhyDemo,
    };
    for (const [name, component] of Object.entries(demos)) app.component(name, component);
  },
} satisfies Theme;
