// Placeholder until the screen lands (next commit).
import { screenHeader } from '../components.js';
import { t } from '../i18n.js';

export function mount(root, ctx) {
  root.append(screenHeader({ title: 'pin', onBack: () => ctx.goHome(), backLabel: t('common.back') }));
  return null;
}
