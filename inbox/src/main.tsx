import { render } from 'preact';
import { App } from './app.tsx';
import { restoreSession } from './state.ts';
import './styles.css';
import './styles/list.css';
import './styles/history.css';
import './styles/composer.css';
import './styles/actions.css';
import './styles/settings.css';
import './styles/settings-channels.css';

render(<App />, document.getElementById('app')!);
void restoreSession();
