import { render } from 'preact';
import { App } from './components/App.js';
import { Connection } from './model/connection.js';
import { SessionModel } from './model/session.js';
import { takeToken } from './model/token.js';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;
const token = takeToken(location, history, sessionStorage);
const model = new SessionModel();
const connection = new Connection(model, token ?? '');
if (token) connection.start();
else connection.state.value = 'unauthorized';
render(<App model={model} connection={connection} />, root);
